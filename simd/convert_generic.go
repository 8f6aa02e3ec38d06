package simd

import "math"

// F16BitsToF32 converts one IEEE half to float32 (exact; a NaN comes out
// quiet).
func F16BitsToF32(h uint16) float32 {
	// Move exponent and mantissa into float32 position, then rebias the
	// exponent (127-15). Subnormal halves are normalised by one exact
	// float subtraction.
	o := uint32(h&0x7fff) << 13
	exp := o & 0x0f800000
	o += (127 - 15) << 23
	switch exp {
	case 0x0f800000: // Inf or NaN: exponent all ones
		o += (128 - 16) << 23
		if o&0x007fffff != 0 {
			o |= 0x00400000 // quiet
		}
	case 0: // zero or subnormal: value = mantissa · 2^-24
		o += 1 << 23
		o = math.Float32bits(math.Float32frombits(o) - math.Float32frombits(113<<23))
	}
	return math.Float32frombits(o | uint32(h&0x8000)<<16)
}

// F32ToF16Bits converts one float32 to an IEEE half, rounding to nearest
// even.
func F32ToF16Bits(f float32) uint16 {
	u := math.Float32bits(f)
	sign := uint16(u>>16) & 0x8000
	a := u & 0x7fffffff
	switch {
	case a > 0x7f800000: // NaN: keep the top mantissa bits, make it quiet
		return sign | 0x7e00 | uint16(a>>13)&0x3ff
	case a >= 0x477ff000: // >= 65520 rounds to Inf (65504 is the largest half)
		return sign | 0x7c00
	case a >= 0x38800000: // normal half (>= 2^-14)
		h := (a - (112 << 23)) >> 13 // rebias 127 -> 15
		rem := a & 0x1fff
		if rem > 0x1000 || rem == 0x1000 && h&1 == 1 {
			h++ // a carry into the exponent is the right answer
		}
		return sign | uint16(h)
	case a < 0x33000000: // < 2^-25 (and f32 subnormals): rounds to zero
		return sign
	}
	// Subnormal half: m = round(value · 2^24) with value = mant · 2^(e-150).
	e := a >> 23
	mant := a&0x7fffff | 0x800000
	shift := 126 - e // 14..24
	m := mant >> shift
	rem := mant & (1<<shift - 1)
	half := uint32(1) << (shift - 1)
	if rem > half || rem == half && m&1 == 1 {
		m++ // m == 0x400 is the smallest normal half, also right
	}
	return sign | uint16(m)
}

// BF16BitsToF32 converts one bfloat16 to float32 (exact).
func BF16BitsToF32(h uint16) float32 {
	return math.Float32frombits(uint32(h) << 16)
}

// F32ToBF16Bits converts one float32 to bfloat16, rounding to nearest even
// (subnormals kept); a NaN stays a quiet NaN.
func F32ToBF16Bits(f float32) uint16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 0x0040
	}
	return uint16((u + 0x7fff + (u>>16)&1) >> 16)
}

func f16ToF32Generic(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	for i, h := range src {
		dst[i] = F16BitsToF32(h)
	}
}

func f32ToF16Generic(dst []uint16, src []float32) {
	dst = dst[:len(src)]
	for i, f := range src {
		dst[i] = F32ToF16Bits(f)
	}
}

func bf16ToF32Generic(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	for i, h := range src {
		dst[i] = math.Float32frombits(uint32(h) << 16)
	}
}

func f32ToBF16Generic(dst []uint16, src []float32) {
	dst = dst[:len(src)]
	for i, f := range src {
		dst[i] = F32ToBF16Bits(f)
	}
}
