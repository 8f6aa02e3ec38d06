//go:build !(amd64 || arm64) || purego || noasm

package simd

func dot(x, y []float32) float32 { return dotGeneric(x, y) }
