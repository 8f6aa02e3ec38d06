//go:build !amd64 || purego || noasm

package simd

func gatedAdd(x, gate, y, bias []float32) { gatedAddGeneric(x, gate, y, bias) }

func layerNormModulate(dst, x, shift, scale1 []float32, eps float32) {
	layerNormModulateGeneric(dst, x, shift, scale1, eps)
}
