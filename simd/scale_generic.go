package simd

// scaleGeneric is the reference Scale.
func scaleGeneric(alpha float32, x []float32) {
	for i := range x {
		x[i] *= alpha
	}
}
