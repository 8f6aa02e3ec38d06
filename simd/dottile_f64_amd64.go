//go:build !purego && !noasm

package simd

func dotTileF64(k int, a []float64, lda int, b []float64, ldb int, c *[8]float64) {
	var done int
	switch CPU.Level {
	case AVX512:
		done = k &^ 7
		if done > 0 {
			dotTileF64AVX512(done, &a[0], lda, &b[0], ldb, c)
		}
	case AVX2:
		done = k &^ 3
		if done > 0 {
			dotTileF64AVX2(done, &a[0], lda, &b[0], ldb, c)
		}
	default:
		dotTileF64Generic(k, a, lda, b, ldb, c)
		return
	}
	if done == 0 {
		*c = [8]float64{}
	}
	dotTileF64Tail(done, k, a, lda, b, ldb, c)
}

// DotTileF64Path names the kernel DotTileF64 uses now.
func DotTileF64Path() string {
	switch CPU.Level {
	case AVX512:
		return "avx512"
	case AVX2:
		return "avx2"
	}
	return "generic"
}

// dotTileF64AVX512 writes the 4×2 tile over k terms (a multiple of 8):
// eight 8-wide FMA accumulators, each reduced at the end.
//
//go:noescape
func dotTileF64AVX512(k int, a *float64, lda int, b *float64, ldb int, c *[8]float64)

// dotTileF64AVX2 is dotTileF64AVX512 with 4-wide accumulators (k a
// multiple of 4).
//
//go:noescape
func dotTileF64AVX2(k int, a *float64, lda int, b *float64, ldb int, c *[8]float64)
