package simd

// axpyGeneric is the reference Axpy. The float32 conversion keeps the
// compiler from fusing the multiply and add.
func axpyGeneric(alpha float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += float32(alpha * v)
	}
}
