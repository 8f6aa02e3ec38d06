//go:build !purego && !noasm

package simd

func axpy(alpha float32, x, y []float32) {
	if CPU.Level == NEON {
		axpyNEON(alpha, x, y)
		return
	}
	axpyGeneric(alpha, x, y)
}

// axpyNEON is Axpy, 16 floats per iteration and a scalar tail. It needs
// len(y) >= len(x).
//
//go:noescape
func axpyNEON(alpha float32, x, y []float32)
