//go:build !purego && !noasm

package simd

func scale(alpha float32, x []float32) {
	if CPU.Level == NEON {
		scaleNEON(alpha, x)
		return
	}
	scaleGeneric(alpha, x)
}

// scaleNEON is Scale, 16 floats per iteration and a scalar tail.
//
//go:noescape
func scaleNEON(alpha float32, x []float32)
