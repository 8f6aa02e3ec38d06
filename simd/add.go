package simd

// Add stores the element-wise sum of a and b in dst: dst[i] = a[i] + b[i].
// It panics unless the three lengths are equal. dst may be a or b itself;
// other overlaps are not allowed.
//
// The reference (addGeneric) is
//
//	for i := range dst {
//		dst[i] = a[i] + b[i]
//	}
//
// All levels give the same bits.
func Add(dst, a, b []float32) {
	if len(a) != len(dst) || len(b) != len(dst) {
		panic("simd: Add: slice lengths differ")
	}
	if len(dst) == 0 {
		return
	}
	add(dst, a, b)
}
