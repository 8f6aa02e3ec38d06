package prune

import (
	"fmt"
	"math"

	"github.com/pare-ml/pare/tensor"
)

// InverseFactor is SparseGPT's Hinv: the upper Cholesky factor U of the
// inverse of the damped Hessian, H⁻¹ = UᵀU. One factor serves every Linear
// that reads the same input (q/k/v, gate/up).
type InverseFactor struct {
	N       int       // inputs
	U       []float32 // N×N row-major, upper triangle; zeros below it
	Dead    []int     // inputs with H_jj = 0: SparseGPT zeroes their weights
	Damp    float64   // damping added to H's diagonal (in units of H)
	Retries int       // factorisations that failed before this one
}

// cholBlock is the block size of the blocked Cholesky and inverse.
const cholBlock = 64

// InverseFactor computes the reference's Hinv from h:
//
//	dead inputs (H_jj = 0) get H_jj = 1
//	H += percDamp·mean(diag H)·I
//	Hinv = cholesky(cholesky_inverse(cholesky(H)), upper=True)
//
// If H is not positive definite, it retries with ten times the damping, up
// to maxRetries times, and then gives an error.
//
// Everything here is float64 (the reference uses float32): H accumulates
// many tokens and its factorisation loses about log10(cond H) digits. The
// reference's three steps (4n³/3 flops) are replaced by two (2n³/3) that
// never form H⁻¹: with H = R Rᵀ, R upper triangular (a Cholesky
// factorisation run from the last row up), H⁻¹ = R⁻ᵀR⁻¹, so U = R⁻¹ —
// the same unique factor the reference computes. U is rounded to float32
// at the end for SparseGPT's float32 sweep; it takes 4n² bytes.
//
// The factorisation works in the upper triangle of h's storage, so h
// needs no copy; h's statistics are unchanged afterwards (and it can keep
// accumulating), but h must not be used by another goroutine meanwhile.
func (h *Hessian) InverseFactor(percDamp float64, maxRetries int) (*InverseFactor, error) {
	n := h.n
	if h.samples == 0 {
		return nil, fmt.Errorf("hessian %dx%d: no calibration samples", n, n)
	}
	if math.IsNaN(percDamp) || math.IsInf(percDamp, 0) || percDamp < 0 {
		return nil, fmt.Errorf("hessian %dx%d: damping %v", n, n, percDamp)
	}
	h.flush()
	a, c := h.a, h.scale()
	diag := make([]float64, n) // raw diagonal of S, restored at the end
	for i := 0; i < n; i++ {
		for j, v := range a[i*n : i*n+i+1] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("hessian %dx%d: entry (%d, %d) is %v: calibration activations overflowed", n, n, i, j, v)
			}
		}
		diag[i] = a[i*n+i]
	}
	defer func() {
		for i, v := range diag {
			a[i*n+i] = v
		}
	}()

	f := &InverseFactor{N: n}
	hd := make([]float64, n) // diag H with dead inputs set to 1
	mean := 0.0
	for i, v := range diag {
		hd[i] = c * v
		if v == 0 {
			hd[i] = 1
			f.Dead = append(f.Dead, i)
		}
		mean += hd[i]
	}
	if n > 0 {
		mean /= float64(n)
	}
	f.Damp = percDamp * mean
	for {
		// The upper triangle gets H = c·S (+ damping on the diagonal),
		// transposed from the lower one in 64x64 tiles.
		const tile = 64
		tensor.Parallel((n+tile-1)/tile, 0, func(it int) {
			i0, i1 := it*tile, min(it*tile+tile, n)
			for j0 := i0; j0 < n; j0 += tile {
				j1 := min(j0+tile, n)
				for j := j0; j < j1; j++ {
					for i := i0; i < min(i1, j); i++ {
						a[i*n+j] = c * a[j*n+i]
					}
				}
			}
			for i := i0; i < i1; i++ {
				a[i*n+i] = hd[i] + f.Damp
			}
		})
		if q := cholUpper(a, n); q < 0 {
			break
		} else if f.Retries >= maxRetries {
			return nil, fmt.Errorf("hessian %dx%d: not positive definite (pivot %d) with damping %.3g after %d retries", n, n, q, f.Damp, f.Retries)
		}
		f.Retries++
		f.Damp *= 10
	}
	invUpper(a, n)
	f.U = make([]float32, n*n)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := float32(a[i*n+j])
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || (i == j && v == 0) {
				return nil, fmt.Errorf("hessian %dx%d: inverse factor entry (%d, %d) is %v in float32", n, n, i, j, v)
			}
			f.U[i*n+j] = v
		}
	}
	return f, nil
}

// cholUpper factors the symmetric matrix held in the upper triangle of a
// (n×n row-major) as A = R Rᵀ with R upper triangular, in place. It runs
// from the last column to the first: R[:, q] = A[:, q]/sqrt(A[q,q]), then
// A[:q, :q] −= R[:q, q] R[:q, q]ᵀ, in blocks of cholBlock columns. The
// strict lower triangle is not touched. It returns -1, or the index of the
// first pivot that is not positive.
func cholUpper(a []float64, n int) int {
	for k1 := n; k1 > 0; k1 -= cholBlock {
		k0 := max(0, k1-cholBlock)
		// Diagonal block.
		for q := k1 - 1; q >= k0; q-- {
			d := a[q*n+q]
			if !(d > 0) || math.IsInf(d, 0) {
				return q
			}
			r := math.Sqrt(d)
			a[q*n+q] = r
			for i := k0; i < q; i++ {
				a[i*n+q] /= r
			}
			for i := k0; i < q; i++ {
				riq := a[i*n+q]
				row := a[i*n : i*n+q]
				for j := i; j < q; j++ {
					row[j] -= float64(riq * a[j*n+q])
				}
			}
		}
		if k0 == 0 {
			break
		}
		// Panel: rows above the block solve X R_KKᵀ = A[:k0, K].
		nb := k1 - k0
		const bandRows = 64
		tensor.Parallel((k0+bandRows-1)/bandRows, 0, func(it int) {
			for i := it * bandRows; i < min(k0, (it+1)*bandRows); i++ {
				x := a[i*n+k0 : i*n+k1]
				for q := nb - 1; q >= 0; q-- {
					rq := a[(k0+q)*n+k0 : (k0+q)*n+k1]
					x[q] = (x[q] - dot(0, x[q+1:], rq[q+1:])) / rq[q]
				}
			}
		})
		// Trailing update of the upper triangle: A[:k0, :k0] −= X Xᵀ.
		tensor.Parallel((k0+bandRows-1)/bandRows, 0, func(it int) {
			r0 := it * bandRows
			r1 := min(r0+bandRows, k0)
			for q0 := r0; q0 < r1; q0 += 4 {
				q1 := min(q0+4, r1)
				for r := q0; r < q1; r++ {
					for col := r; col < q1; col++ {
						a[r*n+col] -= dot(0, a[r*n+k0:r*n+k1], a[col*n+k0:col*n+k1])
					}
				}
				ntRect(q1-q0, r1-q1, nb, a[q0*n+k0:], n, a[q1*n+k0:], n, a[q0*n+q1:], n, true)
			}
			for c0 := r1; c0 < k0; c0 += hessianCols {
				c1 := min(c0+hessianCols, k0)
				ntRect(r1-r0, c1-c0, nb, a[r0*n+k0:], n, a[c0*n+k0:], n, a[r0*n+c0:], n, true)
			}
		})
	}
	return -1
}

// invUpper replaces the upper triangular R held in the upper triangle of a
// by R⁻¹, in place, a block column at a time from the left:
// U[:j0, J] = −U[:j0, :j0]·R[:j0, J]·R_JJ⁻¹, then R_JJ is inverted. The
// strict lower triangle is not touched.
func invUpper(a []float64, n int) {
	rt := make([]float64, cholBlock*n) // R[:j0, J] transposed
	rjj := make([]float64, cholBlock*cholBlock)
	for j0 := 0; j0 < n; j0 += cholBlock {
		j1 := min(j0+cholBlock, n)
		nb := j1 - j0
		if j0 > 0 {
			for q := 0; q < nb; q++ {
				for p := 0; p < j0; p++ {
					rt[q*j0+p] = a[p*n+j0+q]
				}
				for p := 0; p <= q; p++ {
					rjj[q*nb+p] = a[(j0+p)*n+j0+q] // R_JJ[p, q], column q contiguous
				}
			}
			const bandRows = 64
			tensor.Parallel((j0+bandRows-1)/bandRows, 0, func(it int) {
				r0 := it * bandRows
				r1 := min(r0+bandRows, j0)
				t := make([]float64, (r1-r0)*nb)
				// T = U11·R12, U11 upper: row i sums p from i.
				for q0 := r0; q0 < r1; q0 += 4 {
					q1 := min(q0+4, r1)
					for i := q0; i < q1; i++ {
						ti := t[(i-r0)*nb : (i-r0+1)*nb]
						for q := range ti {
							ti[q] = dot(0, a[i*n+i:i*n+q1], rt[q*j0+i:q*j0+q1])
						}
					}
					for p0 := q1; p0 < j0; p0 += 256 { // k blocks that stay in cache
						p1 := min(p0+256, j0)
						ntRect(q1-q0, nb, p1-p0, a[q0*n+p0:], n, rt[p0:], j0, t[(q0-r0)*nb:], nb, false)
					}
				}
				// Y R_JJ = −T, row by row; Y goes to a[i, J].
				for i := r0; i < r1; i++ {
					ti := t[(i-r0)*nb : (i-r0+1)*nb]
					y := a[i*n+j0 : i*n+j1]
					for q := 0; q < nb; q++ {
						cq := rjj[q*nb : q*nb+q+1]
						y[q] = (-ti[q] - dot(0, y[:q], cq[:q])) / cq[q]
					}
				}
			})
		}
		// Invert the diagonal block in place, column by column.
		for j := j0; j < j1; j++ {
			a[j*n+j] = 1 / a[j*n+j]
			ujj := a[j*n+j]
			for i := j0; i < j; i++ {
				s := 0.0
				for p := i; p < j; p++ {
					s += float64(a[i*n+p] * a[p*n+j])
				}
				a[i*n+j] = -s * ujj
			}
		}
	}
}
