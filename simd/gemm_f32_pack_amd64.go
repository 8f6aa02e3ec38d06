//go:build !purego && !noasm

package simd

// packF32Panel packs what it can fast and returns the number of k steps
// it has done for all rows; PackF32Panel does the rest.
//
// With AVX-512 the rows go in groups of 16 through 16×16 register
// transposes, 16 k steps at a time; a group of fewer than 16 rows (the
// last of a panel narrower than a multiple of 16) is stored with a lane
// mask.
func packF32Panel(dst, src []float32, ld, rows, k, w int) int {
	k16 := k &^ 15
	if CPU.Level != AVX512 || k16 == 0 {
		packF32Generic(dst, src, ld, 0, rows, 0, k, w)
		return k
	}
	for g := 0; g < rows; g += 16 {
		lanes := min(16, w-g)
		if rows-g < lanes {
			// A partial group (edge panel): the generic code.
			packF32Generic(dst, src, ld, g, rows, 0, k16, w)
			continue
		}
		packF32AVX512(&dst[g], &src[g*ld], ld, k16, w, lanes)
	}
	return k16
}

// packF32AVX512 packs lanes (1..16) rows, row stride ld floats, for k
// steps (a multiple of 16): dst[p*w+i] = src[i*ld+p].
//
//go:noescape
func packF32AVX512(dst, src *float32, ld, k, w, lanes int)
