//go:build !purego && !noasm

package simd

// dotRows does the rows it has a fast path for, four at a time, and
// returns how many; DotRows does the rest with Dot.
func dotRows(out, x, y []float32, ldy int) int {
	if CPU.Level != AVX512 {
		return 0
	}
	r := 0
	for ; r+4 <= len(out); r += 4 {
		dotRows4AVX512(&x[0], &y[r*ldy], ldy, len(x), &out[r])
	}
	return r
}

// dotRows4AVX512 computes out[0..3] = x·y[r*ldy:] for four rows, each
// with the bits of dotAVX512. n > 0.
//
//go:noescape
func dotRows4AVX512(x, y *float32, ldy, n int, out *float32)
