package safetensors

import "math"

// halfToFloat32 widens F16 or BF16 bit patterns to float32, dst[i] from
// src[i]. It is the single conversion point of the package, so a faster
// (SIMD) converter can be put in here alone.
func halfToFloat32(dst []float32, src []uint16, d DType) {
	src = src[:len(dst)]
	if d == BF16 {
		for i, h := range src {
			dst[i] = math.Float32frombits(uint32(h) << 16)
		}
		return
	}
	for i, h := range src {
		dst[i] = f16ToFloat32(h)
	}
}

// f16ToFloat32 converts one IEEE 754 binary16 value exactly: the exponent
// is rebiased, and a subnormal is renormalised by one float subtraction.
func f16ToFloat32(h uint16) float32 {
	const expMask = 0x7c00 << 13 // binary16 exponent, shifted into place
	o := uint32(h&0x7fff) << 13
	exp := o & expMask
	o += (127 - 15) << 23
	switch exp {
	case expMask: // Inf or NaN (payload kept)
		o += (128 - 16) << 23
	case 0: // zero or subnormal: (1.m - 1) × 2^-14
		o += 1 << 23
		o = math.Float32bits(math.Float32frombits(o) - math.Float32frombits(113<<23))
	}
	return math.Float32frombits(o | uint32(h&0x8000)<<16)
}
