package prune

// Small pure-Go matrix kernels for the Hessian, the Cholesky factorisation
// and SparseGPT's lazy batch update. They work on row-major matrices given
// as (slice, leading dimension) and only ever form A·Bᵀ ("NT"), so both
// operands are read along contiguous rows.
//
// At the Generic SIMD level every product is rounded before it is added
// (T(x*y)), which keeps the Go compiler from fusing it into an FMA: the
// results are bit-identical on amd64, arm64 and wasm, and each output sums
// its terms in p order. On SIMD levels the float64 tiles run on
// simd.DotTileF64 (lanes and fused multiply-add): deterministic for the
// level, but not the generic bits. Either way an output's sum depends only
// on its row of A and row of B, so splitting the work over goroutines
// changes nothing.

import "github.com/pare-ml/pare/simd"

type float interface{ ~float32 | ~float64 }

// ntTile adds a 4x2 tile of A·Bᵀ into c: c[2i+j] += Σ_p a_i[p]·b_j[p],
// p ascending. All operands have len(a0) elements.
func ntTile[T float](c *[8]T, a0, a1, a2, a3, b0, b1 []T) {
	n := len(a0)
	a1, a2, a3 = a1[:n], a2[:n], a3[:n]
	b0, b1 = b0[:n], b1[:n]
	c00, c01 := c[0], c[1]
	c10, c11 := c[2], c[3]
	c20, c21 := c[4], c[5]
	c30, c31 := c[6], c[7]
	for p, x0 := range a0 {
		x1, x2, x3 := a1[p], a2[p], a3[p]
		y0, y1 := b0[p], b1[p]
		c00 += T(x0 * y0)
		c01 += T(x0 * y1)
		c10 += T(x1 * y0)
		c11 += T(x1 * y1)
		c20 += T(x2 * y0)
		c21 += T(x2 * y1)
		c30 += T(x3 * y0)
		c31 += T(x3 * y1)
	}
	c[0], c[1], c[2], c[3] = c00, c01, c10, c11
	c[4], c[5], c[6], c[7] = c20, c21, c30, c31
}

// dot returns acc + Σ_p a[p]·b[p], p ascending.
func dot[T float](acc T, a, b []T) T {
	b = b[:len(a)]
	for p, x := range a {
		acc += T(x * b[p])
	}
	return acc
}

// ntRect computes a rectangle of A·Bᵀ over k terms: for i < m, j < n,
// s = Σ_{p<k} A[i,p]·B[j,p], and then
//
//	sub == false: C[i,j] = C[i,j] + s, summed from C[i,j] on in p order
//	sub == true:  C[i,j] = C[i,j] − s, with s summed from zero.
//
// A[i,p] is a[i*lda+p], B[j,p] is b[j*ldb+p], C[i,j] is c[i*ldc+j].
func ntRect[T float](m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int, sub bool) {
	if m <= 0 || n <= 0 {
		return
	}
	if a64, ok := any(a).([]float64); ok && simd.CPU.Level != simd.Generic && k >= 8 {
		ntRectF64(m, n, k, a64, lda, any(b).([]float64), ldb, any(c).([]float64), ldc, sub)
		return
	}
	var t [8]T
	i := 0
	for ; i+4 <= m; i += 4 {
		a0 := a[i*lda : i*lda+k]
		a1 := a[(i+1)*lda : (i+1)*lda+k]
		a2 := a[(i+2)*lda : (i+2)*lda+k]
		a3 := a[(i+3)*lda : (i+3)*lda+k]
		c0 := c[i*ldc : i*ldc+n]
		c1 := c[(i+1)*ldc : (i+1)*ldc+n]
		c2 := c[(i+2)*ldc : (i+2)*ldc+n]
		c3 := c[(i+3)*ldc : (i+3)*ldc+n]
		j := 0
		for ; j+2 <= n; j += 2 {
			if sub {
				t = [8]T{}
			} else {
				t = [8]T{c0[j], c0[j+1], c1[j], c1[j+1], c2[j], c2[j+1], c3[j], c3[j+1]}
			}
			ntTile(&t, a0, a1, a2, a3, b[j*ldb:j*ldb+k], b[(j+1)*ldb:(j+1)*ldb+k])
			if sub {
				c0[j], c0[j+1] = c0[j]-t[0], c0[j+1]-t[1]
				c1[j], c1[j+1] = c1[j]-t[2], c1[j+1]-t[3]
				c2[j], c2[j+1] = c2[j]-t[4], c2[j+1]-t[5]
				c3[j], c3[j+1] = c3[j]-t[6], c3[j+1]-t[7]
			} else {
				c0[j], c0[j+1] = t[0], t[1]
				c1[j], c1[j+1] = t[2], t[3]
				c2[j], c2[j+1] = t[4], t[5]
				c3[j], c3[j+1] = t[6], t[7]
			}
		}
		if j < n {
			bj := b[j*ldb : j*ldb+k]
			for r, ar := range [4][]T{a0, a1, a2, a3} {
				cr := c[(i+r)*ldc+j:]
				cr[0] = ntEntry(cr[0], ar, bj, sub)
			}
		}
	}
	for ; i < m; i++ {
		ai := a[i*lda : i*lda+k]
		ci := c[i*ldc : i*ldc+n]
		for j := range ci {
			ci[j] = ntEntry(ci[j], ai, b[j*ldb:j*ldb+k], sub)
		}
	}
}

// ntEntry is one entry of ntRect.
func ntEntry[T float](c T, a, b []T, sub bool) T {
	if sub {
		return c - dot(0, a, b)
	}
	return dot(c, a, b)
}

// ntRectF64 is ntRect for float64 on simd.DotTileF64: each tile's sums
// start from zero and are then added to (or subtracted from) C.
func ntRectF64(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, sub bool) {
	var t [8]float64
	i := 0
	for ; i+4 <= m; i += 4 {
		j := 0
		for ; j+2 <= n; j += 2 {
			simd.DotTileF64(k, a[i*lda:], lda, b[j*ldb:], ldb, &t)
			for r := 0; r < 4; r++ {
				cr := c[(i+r)*ldc+j : (i+r)*ldc+j+2]
				if sub {
					cr[0], cr[1] = cr[0]-t[2*r], cr[1]-t[2*r+1]
				} else {
					cr[0], cr[1] = cr[0]+t[2*r], cr[1]+t[2*r+1]
				}
			}
		}
		if j < n {
			bj := b[j*ldb : j*ldb+k]
			for r := 0; r < 4; r++ {
				cr := c[(i+r)*ldc+j:]
				cr[0] = ntEntry(cr[0], a[(i+r)*lda:(i+r)*lda+k], bj, sub)
			}
		}
	}
	for ; i < m; i++ {
		ai := a[i*lda : i*lda+k]
		ci := c[i*ldc : i*ldc+n]
		for j := range ci {
			ci[j] = ntEntry(ci[j], ai, b[j*ldb:j*ldb+k], sub)
		}
	}
}
