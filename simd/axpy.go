package simd

// Axpy adds alpha·x to y: y[i] += alpha*x[i]. It panics if
// len(x) != len(y). x and y must be the same slice or not overlap.
//
// The reference (axpyGeneric) is
//
//	for i := range x {
//		y[i] += alpha * x[i] // product rounded, then added
//	}
//
// Every level multiplies and adds separately (no fused multiply-add), so
// all levels give the same bits.
func Axpy(alpha float32, x, y []float32) {
	if len(x) != len(y) {
		panic("simd: Axpy: len(x) != len(y)")
	}
	if len(x) == 0 {
		return
	}
	axpy(alpha, x, y)
}
