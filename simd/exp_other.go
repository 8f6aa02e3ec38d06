//go:build !amd64 || purego || noasm

package simd

func expSum(x []float32, m float32) float32 { return expSumGeneric(x, m, 0) }

func siluMul(dst, g, u []float32) { siluMulGeneric(dst, g, u) }
