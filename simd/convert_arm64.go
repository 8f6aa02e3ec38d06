//go:build !purego && !noasm

package simd

// The NEON routines convert whole blocks (16 values, 8 for F32ToBF16);
// the rest goes through the reference code, which gives the same bits.

//go:noescape
func f16ToF32NEON(dst *float32, src *uint16, n int)

//go:noescape
func f32ToF16NEON(dst *uint16, src *float32, n int)

//go:noescape
func bf16ToF32NEON(dst *float32, src *uint16, n int)

//go:noescape
func f32ToBF16NEON(dst *uint16, src *float32, n int)

func f16ToF32(dst []float32, src []uint16) {
	done := 0
	if CPU.Level == NEON {
		if done = len(src) &^ 15; done > 0 {
			f16ToF32NEON(&dst[0], &src[0], done)
		}
	}
	f16ToF32Generic(dst[done:], src[done:])
}

func f32ToF16(dst []uint16, src []float32) {
	done := 0
	if CPU.Level == NEON {
		if done = len(src) &^ 15; done > 0 {
			f32ToF16NEON(&dst[0], &src[0], done)
		}
	}
	f32ToF16Generic(dst[done:], src[done:])
}

func bf16ToF32(dst []float32, src []uint16) {
	done := 0
	if CPU.Level == NEON {
		if done = len(src) &^ 15; done > 0 {
			bf16ToF32NEON(&dst[0], &src[0], done)
		}
	}
	bf16ToF32Generic(dst[done:], src[done:])
}

func f32ToBF16(dst []uint16, src []float32) {
	done := 0
	if CPU.Level == NEON {
		if done = len(src) &^ 7; done > 0 {
			f32ToBF16NEON(&dst[0], &src[0], done)
		}
	}
	f32ToBF16Generic(dst[done:], src[done:])
}
