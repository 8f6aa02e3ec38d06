package simd

import "math"

// QuantizeS8 quantizes x symmetrically to int8 codes in q and returns the
// scale, so that x[i] ≈ float32(q[i])·scale:
//
//	amax := max |x[i]|
//	scale := amax / 127
//	inv := 127 / amax // float32
//	q[i] = clamp(RoundToEven(x[i]·inv), -127, 127)
//
// x[i]·inv is one float32 multiplication and the rounding is half to even
// (what VCVTPS2DQ and FCVTNS do), so every path gives the same codes. A row
// of zeros gives scale 0 and zero codes. If amax is so small that 127/amax
// overflows float32 (below about 3.7e-37), the codes are computed in
// float64 as RoundToEven(float64(x[i])·127/float64(amax)). Inputs must be
// finite: NaN or ±Inf give unspecified codes and scale (but no panic). The
// code -128 is never produced. It panics if len(q) < len(x).
func QuantizeS8(q []int8, x []float32) (scale float32) {
	scale, _ = quantizeS8Sum(q, x)
	return scale
}

// quantizeS8Sum is QuantizeS8 that also returns Σ q[i] (the activation
// bias term of the VNNI GEMM kernels).
func quantizeS8Sum(q []int8, x []float32) (scale float32, sum int32) {
	if len(q) < len(x) {
		panic("simd: QuantizeS8: len(q) < len(x)")
	}
	q = q[:len(x)]
	amax := absMaxF32(x)
	if !(amax > 0) { // zero row (or NaN)
		clear(q)
		return 0, 0
	}
	inv := 127 / amax
	if math.IsInf(float64(inv), 0) {
		return amax / 127, quantizeS8Tiny(q, x, amax)
	}
	return amax / 127, quantizeS8(q, x, inv)
}

// quantizeS8Tiny quantizes a row whose amax is too small for a float32
// reciprocal.
func quantizeS8Tiny(q []int8, x []float32, amax float32) int32 {
	var sum int32
	f := 127 / float64(amax)
	for i, v := range x {
		c := int32(clampS8(math.RoundToEven(float64(v) * f)))
		q[i] = int8(c)
		sum += c
	}
	return sum
}

func clampS8(v float64) float64 {
	if v > 127 {
		return 127
	}
	if v < -127 {
		return -127
	}
	return v
}
