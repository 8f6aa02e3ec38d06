//go:build purego || noasm || !(amd64 || arm64)

package simd

func dotS8S8(a, b []int8) int32         { return dotS8S8Generic(a, b) }
func dotU8S8(a []uint8, b []int8) int32 { return dotU8S8Generic(a, b) }
