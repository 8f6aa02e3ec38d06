package simd

// dotTileF64Generic is the reference DotTileF64: each sum in p order,
// every product rounded before it is added (the float64 conversion keeps
// the compiler from fusing them).
func dotTileF64Generic(k int, a []float64, lda int, b []float64, ldb int, c *[8]float64) {
	*c = [8]float64{}
	dotTileF64Tail(0, k, a, lda, b, ldb, c)
}
