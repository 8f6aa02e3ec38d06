//go:build !(amd64 || arm64) || purego || noasm

package simd

func add(dst, a, b []float32) { addGeneric(dst, a, b) }
