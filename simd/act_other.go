//go:build !amd64 || purego || noasm

package simd

func geluTanh(x []float32) { geluTanhGeneric(x) }

func softmax(x []float32, scale float32) { softmaxGeneric(x, scale) }
