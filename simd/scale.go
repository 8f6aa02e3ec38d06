package simd

// Scale multiplies x by alpha in place: x[i] *= alpha.
//
// The reference (scaleGeneric) is
//
//	for i := range x {
//		x[i] *= alpha
//	}
//
// All levels give the same bits.
func Scale(alpha float32, x []float32) {
	if len(x) == 0 {
		return
	}
	scale(alpha, x)
}
