package simd

// dotS8S8Generic is the reference for DotS8S8; len(b) >= len(a).
func dotS8S8Generic(a, b []int8) int32 {
	b = b[:len(a)]
	var s int32
	for i := range a {
		s += int32(a[i]) * int32(b[i])
	}
	return s
}

// dotU8S8Generic is the reference for DotU8S8; len(b) >= len(a).
func dotU8S8Generic(a []uint8, b []int8) int32 {
	b = b[:len(a)]
	var s int32
	for i := range a {
		s += int32(a[i]) * int32(b[i])
	}
	return s
}
