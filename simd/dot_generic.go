package simd

// dotGeneric is the reference Dot: four float32 lanes, product rounded
// before the add. The float32 conversions keep the compiler from fusing
// the multiply and add, so every architecture gives the same bits.
func dotGeneric(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float32(x[i] * y[i])
		s1 += float32(x[i+1] * y[i+1])
		s2 += float32(x[i+2] * y[i+2])
		s3 += float32(x[i+3] * y[i+3])
	}
	if i < len(x) {
		s0 += float32(x[i] * y[i])
	}
	if i+1 < len(x) {
		s1 += float32(x[i+1] * y[i+1])
	}
	if i+2 < len(x) {
		s2 += float32(x[i+2] * y[i+2])
	}
	return (s0 + s1) + (s2 + s3)
}
