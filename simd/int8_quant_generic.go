package simd

import "math"

// absMaxF32Generic returns max |x[i]| (0 for an empty x).
func absMaxF32Generic(x []float32) float32 {
	var m float32
	for _, v := range x {
		if v < 0 {
			v = -v
		}
		if v > m {
			m = v
		}
	}
	return m
}

// quantizeS8Generic is the reference of the quantization loop:
// q[i] = clamp(RoundToEven(x[i]·inv), -127, 127); it returns Σ q[i].
func quantizeS8Generic(q []int8, x []float32, inv float32) int32 {
	q = q[:len(x)]
	var sum int32
	for i, v := range x {
		c := int32(clampS8(math.RoundToEven(float64(v * inv))))
		q[i] = int8(c)
		sum += c
	}
	return sum
}
