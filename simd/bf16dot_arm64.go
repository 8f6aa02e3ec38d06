//go:build !purego && !noasm

package simd

func dotBF16(a, b []uint16) float32 { return dotBF16Generic(a, b) }
