//go:build !purego && !noasm

package simd

func add(dst, a, b []float32) {
	if CPU.Level == NEON {
		addNEON(dst, a, b)
		return
	}
	addGeneric(dst, a, b)
}

// addNEON is Add, 16 floats per iteration and a scalar tail. It needs
// len(a), len(b) >= len(dst).
//
//go:noescape
func addNEON(dst, a, b []float32)
