//go:build !(amd64 || arm64) || purego || noasm

package simd

func dotTileF64(k int, a []float64, lda int, b []float64, ldb int, c *[8]float64) {
	dotTileF64Generic(k, a, lda, b, ldb, c)
}

// DotTileF64Path names the kernel DotTileF64 uses now.
func DotTileF64Path() string { return "generic" }
