package simd

import "fmt"

// DotTileF64 computes a 4×2 tile of float64 inner products, rows of A
// against rows of B (the "NT" form of a matrix product):
//
//	for i := 0; i < 4; i++ {
//		for j := 0; j < 2; j++ {
//			var s float64
//			for p := 0; p < k; p++ {
//				s += a[i*lda+p] * b[j*ldb+p] // product rounded, then added
//			}
//			c[2*i+j] = s
//		}
//	}
//
// The generic code is that loop. The SIMD levels sum in lanes (8 with
// AVX-512, 4 with AVX2, 2 with NEON) with fused multiply-add over the
// largest multiple of the width, combine the lanes, then add the last
// products one at a time; results differ between levels by rounding (a
// few ulps of Σ|a·b|), and each level is deterministic. It panics if a
// slice is too short for k and its stride.
func DotTileF64(k int, a []float64, lda int, b []float64, ldb int, c *[8]float64) {
	if k < 0 || (k > 0 && (lda < k || ldb < k || len(a) < 3*lda+k || len(b) < ldb+k)) {
		panic(fmt.Sprintf("simd: DotTileF64: k=%d lda=%d ldb=%d len(a)=%d len(b)=%d", k, lda, ldb, len(a), len(b)))
	}
	if k == 0 {
		*c = [8]float64{}
		return
	}
	dotTileF64(k, a, lda, b, ldb, c)
}

// dotTileF64Tail adds the products p0 <= p < k to c, one at a time.
func dotTileF64Tail(p0, k int, a []float64, lda int, b []float64, ldb int, c *[8]float64) {
	for i := 0; i < 4; i++ {
		ai := a[i*lda : i*lda+k]
		for j := 0; j < 2; j++ {
			bj := b[j*ldb : j*ldb+k]
			s := c[2*i+j]
			for p := p0; p < k; p++ {
				s += float64(ai[p] * bj[p])
			}
			c[2*i+j] = s
		}
	}
}
