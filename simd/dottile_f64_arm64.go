//go:build !purego && !noasm

package simd

func dotTileF64(k int, a []float64, lda int, b []float64, ldb int, c *[8]float64) {
	if CPU.Level != NEON {
		dotTileF64Generic(k, a, lda, b, ldb, c)
		return
	}
	done := k &^ 1
	if done > 0 {
		dotTileF64NEON(done, &a[0], lda, &b[0], ldb, c)
	} else {
		*c = [8]float64{}
	}
	dotTileF64Tail(done, k, a, lda, b, ldb, c)
}

// DotTileF64Path names the kernel DotTileF64 uses now.
func DotTileF64Path() string {
	if CPU.Level == NEON {
		return "neon"
	}
	return "generic"
}

// dotTileF64NEON writes the 4×2 tile over k terms (a multiple of 2):
// eight 2-wide FMLA accumulators, each reduced at the end.
//
//go:noescape
func dotTileF64NEON(k int, a *float64, lda int, b *float64, ldb int, c *[8]float64)
