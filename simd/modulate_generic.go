package simd

import "math"

// gatedAddGeneric is the reference GatedAdd.
func gatedAddGeneric(x, gate, y, bias []float32) {
	for i := range x {
		x[i] += float32(gate[i] * (y[i] + bias[i]))
	}
}

// layerNormModulateGeneric is the reference LayerNormModulate.
func layerNormModulateGeneric(dst, x, shift, scale1 []float32, eps float32) {
	n := float32(len(x))
	var s float32
	for _, v := range x {
		s += v
	}
	mean := s / n
	var ss float32
	for i, v := range x {
		c := v - mean
		dst[i] = c
		ss += float32(c * c)
	}
	inv := float32(1 / math.Sqrt(float64(ss/n+eps)))
	for i, c := range dst {
		dst[i] = float32(c*inv)*scale1[i] + shift[i]
	}
}
