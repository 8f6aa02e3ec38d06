package simd

// geluTanhGeneric is the reference GELUTanh: the steps of the vector
// kernels, x² then one multiply-add for the cubic's factor.
func geluTanhGeneric(x []float32) {
	for i, v := range x {
		v = max(v, geluXMin)
		u := v * fmaF32(geluB, v*v, geluA)
		x[i] = v / (1 + expGeneric(u))
	}
}

// softmaxGeneric is the reference Softmax.
func softmaxGeneric(x []float32, scale float32) {
	m := x[0]
	for _, v := range x[1:] {
		m = max(m, v)
	}
	var s float32
	for i, v := range x {
		e := expGeneric((v - m) * scale)
		x[i] = e
		s += e
	}
	inv := 1 / s
	for i := range x {
		x[i] *= inv
	}
}
