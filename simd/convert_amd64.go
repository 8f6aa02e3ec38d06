//go:build !purego && !noasm

package simd

// The assembly converts whole blocks (8 values for AVX2, 16 for AVX-512);
// the few values left over go through the reference code, which gives the
// same bits.

//go:noescape
func f16ToF32AVX2(dst *float32, src *uint16, n int)

//go:noescape
func f16ToF32AVX512(dst *float32, src *uint16, n int)

//go:noescape
func f32ToF16AVX2(dst *uint16, src *float32, n int)

//go:noescape
func f32ToF16AVX512(dst *uint16, src *float32, n int)

//go:noescape
func bf16ToF32AVX2(dst *float32, src *uint16, n int)

//go:noescape
func bf16ToF32AVX512(dst *float32, src *uint16, n int)

//go:noescape
func f32ToBF16AVX2(dst *uint16, src *float32, n int)

//go:noescape
func f32ToBF16AVX512(dst *uint16, src *float32, n int)

// convertBlock returns how many leading values the assembly at the current
// level converts (a multiple of its block), and the level to use.
func convertBlock(n int) (int, Level) {
	switch {
	case CPU.Level == AVX512:
		return n &^ 15, AVX512
	case CPU.Level == AVX2 && CPU.F16C:
		return n &^ 7, AVX2
	}
	return 0, Generic
}

func f16ToF32(dst []float32, src []uint16) {
	done, l := convertBlock(len(src))
	if done > 0 {
		if l == AVX512 {
			f16ToF32AVX512(&dst[0], &src[0], done)
		} else {
			f16ToF32AVX2(&dst[0], &src[0], done)
		}
	}
	f16ToF32Generic(dst[done:], src[done:])
}

func f32ToF16(dst []uint16, src []float32) {
	done, l := convertBlock(len(src))
	if done > 0 {
		if l == AVX512 {
			f32ToF16AVX512(&dst[0], &src[0], done)
		} else {
			f32ToF16AVX2(&dst[0], &src[0], done)
		}
	}
	f32ToF16Generic(dst[done:], src[done:])
}

func bf16ToF32(dst []float32, src []uint16) {
	done, l := convertBlock(len(src))
	if done > 0 {
		if l == AVX512 {
			bf16ToF32AVX512(&dst[0], &src[0], done)
		} else {
			bf16ToF32AVX2(&dst[0], &src[0], done)
		}
	}
	bf16ToF32Generic(dst[done:], src[done:])
}

func f32ToBF16(dst []uint16, src []float32) {
	done, l := convertBlock(len(src))
	if done > 0 {
		if l == AVX512 {
			f32ToBF16AVX512(&dst[0], &src[0], done)
		} else {
			f32ToBF16AVX2(&dst[0], &src[0], done)
		}
	}
	f32ToBF16Generic(dst[done:], src[done:])
}
