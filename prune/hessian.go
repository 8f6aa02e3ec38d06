package prune

import (
	"fmt"

	"github.com/pare-ml/pare/internal/scratch"
	"github.com/pare-ml/pare/tensor"
)

// Hessian collects SparseGPT's input statistics for one Linear layer:
// H = (2/N)·Σ x xᵀ over all calibration tokens x (rows of the layer's
// input), N the number of samples (calibration sequences). Linears that
// read the same input (q/k/v, gate/up) can share one Hessian.
//
// The reference (SparseGPT.add_batch) keeps H in float32 as a running
// average: H *= n/(n+b); n += b; x *= sqrt(2/n); H += x xᵀ. Mathematically
// that is (2/N)·Σ x xᵀ; pare keeps the sum S = Σ x xᵀ in float64 and
// scales it by 2/N when H is read.
//
// Tokens are taken in chunks of hessianChunk (256) consecutive tokens,
// counted from the first one added: each chunk's Xᵀ X is a float32 GEMM
// (tensor.GemmF32, so the SIMD kernels do the work) and is added to S in
// float64. An entry of S thus carries the float32 rounding of sums of at
// most 256 products (relative error about 16·2⁻²⁴ typically, 256·2⁻²⁴ at
// worst, of Σ|x_i x_j| over the chunk), where the reference rounds a
// running float32 sum over every token. Chunks are cut at the same tokens
// however the rows are split into Add calls (rows wait in a buffer until a
// chunk is full; reading H flushes it), and GemmF32 does not depend on
// the thread count, so S is bit-identical for any split and GOMAXPROCS on
// one machine and SIMD level; -tags purego and js/wasm give the same bits
// (the generic kernel rounds every product).
//
// Storage is one n×n float64 matrix (n = inputs): S in the lower triangle,
// scratch space for InverseFactor above it, so a 4096-input layer takes
// 128 MiB and a 14336-input one 1.5 GiB; plus a chunk of rows and its
// transpose in float32. A Hessian is not safe for concurrent use.
type Hessian struct {
	n       int
	a       []float64 // lower triangle incl. diagonal: S; strict upper: scratch
	samples int
	tokens  int
	pend    []float32 // rows waiting for a full chunk, [pending][n]
	pending int
}

const (
	hessianChunk = 256 // tokens per float32 GEMM
	hessianBand  = 256 // rows of S per GEMM call
	hessianCols  = 64  // columns per cache block (InverseFactor)
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
	if h.pend == nil && rows > 0 && n > 0 {
		h.pend = make([]float32, hessianChunk*n)
	}
	for t := 0; t < rows && n > 0; {
		take := min(hessianChunk-h.pending, rows-t)
		copy(h.pend[h.pending*n:], x[t*n:(t+take)*n])
		h.pending += take
		t += take
		if h.pending == hessianChunk {
			h.flush()
		}
	}
	h.samples += samples
	h.tokens += rows
}

// flush adds the pending rows' Xᵀ X to S.
func (h *Hessian) flush() {
	k, n := h.pending, h.n
	if k == 0 {
		return
	}
	h.pending = 0
	xt := getF32(n * k) // the chunk transposed, [n][k]
	defer putF32(xt)
	tensor.Parallel((n+63)/64, 0, func(it int) {
		for t := 0; t < k; t++ {
			row := h.pend[t*n : (t+1)*n]
			for j := it * 64; j < min(n, it*64+64); j++ {
				xt[j*k+t] = row[j]
			}
		}
	})
	g := getF32(min(hessianBand, n) * n)
	defer putF32(g)
	// Bands of rows, each with the columns up to its last row.
	for r0 := 0; r0 < n; r0 += hessianBand {
		r1 := min(r0+hessianBand, n)
		tensor.GemmF32(r1-r0, r1, k, xt[r0*k:], k, xt, k, g, r1)
		tensor.Parallel(r1-r0, 0, func(i int) {
			r := r0 + i
			dst := h.a[r*n : r*n+r+1]
			for j, v := range g[i*r1 : i*r1+r+1] {
				dst[j] += float64(v)
			}
		})
	}
}

// scale is the reference's normalisation 2/N.
func (h *Hessian) scale() float64 { return 2 / float64(h.samples) }

// Matrix returns H = (2/N)·Σ x xᵀ as a full symmetric n×n row-major matrix
// (the reference's H before dead inputs and damping are handled), or nil
// before any sample. Like InverseFactor it first adds the pending rows, so
// tokens added afterwards start a new chunk.
func (h *Hessian) Matrix() []float64 {
	if h.samples == 0 {
		return nil
	}
	h.flush()
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
	h.pending = 0
	h.samples, h.tokens = 0, 0
}

// getF32 and putF32 recycle float32 scratch of the Hessian.
func getF32(n int) []float32 { return scratch.F32(n) }

func putF32(s []float32) { scratch.PutF32(s) }
