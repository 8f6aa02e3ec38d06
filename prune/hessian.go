package prune

import (
	"fmt"

	"github.com/pare-ml/pare/tensor"
)

// Hessian collects SparseGPT's input statistics for one Linear layer:
// H = (2/N)·Σ x xᵀ over all calibration tokens x (rows of the layer's
// input), N the number of samples (calibration sequences). Linears that
// read the same input (q/k/v, gate/up) can share one Hessian.
//
// The reference (SparseGPT.add_batch) keeps H in float32 as a running
// average: H *= n/(n+b); n += b; x *= sqrt(2/n); H += x xᵀ. Mathematically
// that is (2/N)·Σ x xᵀ; pare keeps the plain float64 sum S = Σ x xᵀ and
// scales it by 2/N when H is read. Each entry adds its products one token
// at a time in input order (a float32·float32 product is exact in
// float64), so S does not depend on how the rows were split into Add calls
// nor on the thread count, and it is the same on every architecture.
//
// Storage is one n×n float64 matrix (n = inputs): S in the lower triangle,
// scratch space for InverseFactor above it, so a 4096-input layer takes
// 128 MiB and a 14336-input one 1.5 GiB. A Hessian is not safe for
// concurrent use.
type Hessian struct {
	n       int
	a       []float64 // lower triangle incl. diagonal: S; strict upper: scratch
	samples int
	tokens  int
	xt      []float64 // scratch: a chunk of x transposed, [n][hessianChunk]
}

const (
	hessianChunk = 256 // tokens per pass over S
	hessianRows  = 64  // rows of S per work item
	hessianCols  = 64  // columns of S per cache block
)

// NewHessian returns an empty Hessian for a layer with in inputs.
func NewHessian(in int) *Hessian {
	if in < 0 {
		panic(fmt.Sprintf("prune: NewHessian(%d)", in))
	}
	return &Hessian{n: in, a: make([]float64, in*in)}
}

// In is the number of inputs (H is In x In).
func (h *Hessian) In() int { return h.n }

// Samples is the number of samples added.
func (h *Hessian) Samples() int { return h.samples }

// Tokens is the number of rows (tokens) added.
func (h *Hessian) Tokens() int { return h.tokens }

// Add adds one calibration sample: x [rows, in] row-major holds the
// layer's input for the rows tokens of one sequence (the reference's hooks
// see one sequence per forward pass). A length mismatch panics.
func (h *Hessian) Add(x []float32, rows int) { h.AddBatch(x, rows, 1) }

// AddBatch adds x [rows, in] holding samples sequences.
func (h *Hessian) AddBatch(x []float32, rows, samples int) {
	n := h.n
	if rows < 0 || samples < 0 || len(x) != rows*n {
		panic(fmt.Sprintf("prune: Hessian.Add: %d values for %d rows of %d", len(x), rows, n))
	}
	if h.xt == nil && rows > 0 {
		h.xt = make([]float64, n*hessianChunk)
	}
	for t0 := 0; t0 < rows; t0 += hessianChunk {
		tn := min(hessianChunk, rows-t0)
		xt := h.xt[:n*tn]
		for t := 0; t < tn; t++ {
			for j, v := range x[(t0+t)*n : (t0+t+1)*n] {
				xt[j*tn+t] = float64(v)
			}
		}
		h.rankUpdate(xt, tn)
	}
	h.samples += samples
	h.tokens += rows
}

// rankUpdate adds Xᵀ X to the lower triangle of S, xt [n][k] holding k
// tokens transposed. Work items are bands of rows, the longest first.
func (h *Hessian) rankUpdate(xt []float64, k int) {
	n := h.n
	items := (n + hessianRows - 1) / hessianRows
	tensor.Parallel(items, 0, func(it int) {
		r0 := (items - 1 - it) * hessianRows
		r1 := min(r0+hessianRows, n)
		// Columns left of the band, a cache block at a time.
		for c0 := 0; c0 < r0; c0 += hessianCols {
			c1 := min(c0+hessianCols, r0)
			ntRect(r1-r0, c1-c0, k, xt[r0*k:], k, xt[c0*k:], k, h.a[r0*n+c0:], n, false)
		}
		// The band's own triangle, four rows at a time.
		for q0 := r0; q0 < r1; q0 += 4 {
			q1 := min(q0+4, r1)
			ntRect(q1-q0, q0-r0, k, xt[q0*k:], k, xt[r0*k:], k, h.a[q0*n+r0:], n, false)
			for r := q0; r < q1; r++ {
				for c := q0; c <= r; c++ {
					h.a[r*n+c] = dot(h.a[r*n+c], xt[r*k:(r+1)*k], xt[c*k:(c+1)*k])
				}
			}
		}
	})
}

// scale is the reference's normalisation 2/N.
func (h *Hessian) scale() float64 { return 2 / float64(h.samples) }

// Matrix returns H = (2/N)·Σ x xᵀ as a full symmetric n×n row-major matrix
// (the reference's H before dead inputs and damping are handled), or nil
// before any sample.
func (h *Hessian) Matrix() []float64 {
	if h.samples == 0 {
		return nil
	}
	n, c := h.n, h.scale()
	m := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := c * h.a[i*n+j]
			m[i*n+j], m[j*n+i] = v, v
		}
	}
	return m
}

// Reset empties h for reuse with another layer of the same size.
func (h *Hessian) Reset() {
	clear(h.a)
	h.samples, h.tokens = 0, 0
}
