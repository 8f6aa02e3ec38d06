//go:build purego || noasm || !(amd64 || arm64)

package simd

func dotBF16(a, b []uint16) float32 { return dotBF16Generic(a, b) }
