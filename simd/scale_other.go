//go:build !(amd64 || arm64) || purego || noasm

package simd

func scale(alpha float32, x []float32) { scaleGeneric(alpha, x) }
