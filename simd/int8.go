package simd

// DotS8S8 returns Σ a[i]·b[i] over i < len(a), accumulated in int32 with
// two's-complement wrap-around (the sum of n products is exact while
// n·2¹⁴ < 2³¹, i.e. for n below 131072 when every value is -128). It panics
// if len(b) < len(a).
//
// Reference loop:
//
//	var s int32
//	for i := range a {
//		s += int32(a[i]) * int32(b[i])
//	}
func DotS8S8(a, b []int8) int32 {
	if len(b) < len(a) {
		panic("simd: DotS8S8: len(b) < len(a)")
	}
	return dotS8S8(a, b[:len(a)])
}

// DotU8S8 returns Σ a[i]·b[i] with a unsigned and b signed (the operand
// types of VPDPBUSD), accumulated in int32 with wrap-around. It panics if
// len(b) < len(a).
//
// Reference loop:
//
//	var s int32
//	for i := range a {
//		s += int32(a[i]) * int32(b[i])
//	}
func DotU8S8(a []uint8, b []int8) int32 {
	if len(b) < len(a) {
		panic("simd: DotU8S8: len(b) < len(a)")
	}
	return dotU8S8(a, b[:len(a)])
}
