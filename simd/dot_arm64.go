//go:build !purego && !noasm

package simd

func dot(x, y []float32) float32 {
	if CPU.Level == NEON {
		return dotNEON(x, y)
	}
	return dotGeneric(x, y)
}

// dotNEON is Dot with four 4-wide FMLA accumulators and a scalar tail.
// It needs len(y) >= len(x).
//
//go:noescape
func dotNEON(x, y []float32) float32
