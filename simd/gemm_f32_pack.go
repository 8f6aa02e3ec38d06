package simd

import "fmt"

// PackF32Panel packs rows (at most w) rows of k floats, row stride ld, into
// the panel layout of F32Kernel: k steps of w values,
//
//	dst[p*w+i] = src[i*ld+p]   for i < rows, p < k
//	dst[p*w+i] = 0             for rows <= i < w
//
// It is the transpose that GEMM packing does for both operands (A panels
// with w = MR, B panels with w = NR). It panics if a slice is too short.
func PackF32Panel(dst, src []float32, ld, rows, k, w int) {
	if rows < 0 || rows > w || k < 0 || len(dst) < k*w || (rows > 0 && k > 0 && (ld < k || len(src) < (rows-1)*ld+k)) {
		panic(fmt.Sprintf("simd: PackF32Panel: bad arguments len(dst)=%d len(src)=%d ld=%d rows=%d k=%d w=%d",
			len(dst), len(src), ld, rows, k, w))
	}
	if k == 0 {
		return
	}
	dst = dst[:k*w]
	done := packF32Panel(dst, src, ld, rows, k, w)
	if done < k {
		packF32Generic(dst, src, ld, 0, rows, done, k, w)
	}
	if rows < w {
		for p := 0; p < k; p++ {
			clear(dst[p*w+rows : p*w+w])
		}
	}
}

// packF32Generic packs rows i0..i1 and steps p0..p1: dst[p*w+i] =
// src[i*ld+p].
func packF32Generic(dst, src []float32, ld, i0, i1, p0, p1, w int) {
	for i := i0; i < i1; i++ {
		row := src[i*ld+p0 : i*ld+p1]
		d := dst[p0*w+i:]
		for p, v := range row {
			d[p*w] = v
		}
	}
}
