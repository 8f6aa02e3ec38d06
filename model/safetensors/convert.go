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

// f16ToFloat32 converts one IEEE 754 binary16 value exactly.
func f16ToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch exp {
	case 0x1f: // Inf or NaN (payload kept)
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case 0:
		if mant == 0 {
			return math.Float32frombits(sign)
		}
		// Subnormal: shift the leading one into the implicit bit.
		e := uint32(127 - 15 + 1)
		for mant&0x400 == 0 {
			mant <<= 1
			e--
		}
		return math.Float32frombits(sign | e<<23 | (mant&0x3ff)<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}
