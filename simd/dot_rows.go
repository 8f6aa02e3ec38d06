package simd

import "fmt"

// DotRows computes the inner products of x with len(out) rows of a
// matrix y of row stride ldy:
//
//	for r := range out {
//		out[r] = Dot(x, y[r*ldy:r*ldy+len(x)])
//	}
//
// Each result has the bits Dot gives at the current level; the AVX-512
// path loads x once for four rows, which is what a matrix-vector product
// (m == 1 in GEMM) needs. It panics if y is too short or ldy < len(x).
func DotRows(out, x, y []float32, ldy int) {
	rows, n := len(out), len(x)
	if rows == 0 {
		return
	}
	if ldy < n || len(y) < (rows-1)*ldy+n {
		panic(fmt.Sprintf("simd: DotRows: %d rows of %d with stride %d need more than len(y)=%d", rows, n, ldy, len(y)))
	}
	if n == 0 {
		clear(out)
		return
	}
	r := dotRows(out, x, y, ldy)
	for ; r < rows; r++ {
		out[r] = dot(x, y[r*ldy:r*ldy+n])
	}
}
