//go:build !purego && !noasm

package simd

// packF32Panel packs what it can fast and returns the number of k steps
// it has done for all rows; PackF32Panel does the rest.
//
// With NEON the rows go in groups of 4 through 4×4 register transposes,
// 4 k steps at a time; a last group of fewer than 4 rows takes the
// generic code.
func packF32Panel(dst, src []float32, ld, rows, k, w int) int {
	k4 := k &^ 3
	if CPU.Level != NEON || k4 == 0 {
		packF32Generic(dst, src, ld, 0, rows, 0, k, w)
		return k
	}
	g := 0
	for ; g+4 <= rows; g += 4 {
		packF32NEON(&dst[g], &src[g*ld], ld, k4, w)
	}
	if g < rows {
		packF32Generic(dst, src, ld, g, rows, 0, k4, w)
	}
	return k4
}

// packF32NEON packs 4 rows, row stride ld floats, for k steps (a positive
// multiple of 4): dst[p*w+i] = src[i*ld+p].
//
//go:noescape
func packF32NEON(dst, src *float32, ld, k, w int)
