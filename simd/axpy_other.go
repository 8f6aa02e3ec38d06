//go:build !(amd64 || arm64) || purego || noasm

package simd

func axpy(alpha float32, x, y []float32) { axpyGeneric(alpha, x, y) }
