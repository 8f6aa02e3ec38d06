//go:build !purego && !noasm

package simd

// packF32Panel packs what it can fast and returns the number of k steps
// it has done for all rows; PackF32Panel does the rest.
//
// With AVX-512 the rows go in groups of 16 through 16×16 register
// transposes, 16 k steps at a time; a group of fewer than 16 rows (the
// last of a panel narrower than a multiple of 16) is stored with a lane
// mask.
//
// With AVX2 the same is done 8 rows and 8 k steps at a time, for groups
// of 8 or 6 rows (the panel widths of the AVX2 kernel).
func packF32Panel(dst, src []float32, ld, rows, k, w int) int {
	switch CPU.Level {
	case AVX512:
		if k >= 16 {
			return packF32PanelAVX512(dst, src, ld, rows, k, w)
		}
	case AVX2:
		if k >= 8 {
			return packF32PanelAVX2(dst, src, ld, rows, k, w)
		}
	}
	packF32Generic(dst, src, ld, 0, rows, 0, k, w)
	return k
}

func packF32PanelAVX512(dst, src []float32, ld, rows, k, w int) int {
	k16 := k &^ 15
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

func packF32PanelAVX2(dst, src []float32, ld, rows, k, w int) int {
	k8 := k &^ 7
	for g := 0; g < rows; g += 8 {
		lanes := min(8, w-g)
		if rows-g < lanes || (lanes != 8 && lanes != 6) {
			packF32Generic(dst, src, ld, g, rows, 0, k8, w)
			continue
		}
		packF32AVX2(&dst[g], &src[g*ld], ld, k8, w, lanes)
	}
	return k8
}

// packF32AVX512 packs lanes (1..16) rows, row stride ld floats, for k
// steps (a multiple of 16): dst[p*w+i] = src[i*ld+p].
//
//go:noescape
func packF32AVX512(dst, src *float32, ld, k, w, lanes int)

// packF32AVX2 packs lanes (8 or 6) rows, row stride ld floats, for k steps
// (a multiple of 8): dst[p*w+i] = src[i*ld+p].
//
//go:noescape
func packF32AVX2(dst, src *float32, ld, k, w, lanes int)
