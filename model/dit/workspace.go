package dit

import (
	"runtime"
	"sync"

	"github.com/pare-ml/pare/simd"
	"github.com/pare-ml/pare/tensor"
)

// workspace holds the intermediate buffers of one Forward call. Buffers
// keep their contents from earlier calls: every one is written whole
// before it is read.
type workspace struct {
	patches, hs, freq, t1, cond, mod, ln, qkv, att, branch, mlp, pred []float32
	zerosBuf                                                          []float32
}

// workspaces recycles workspaces between calls (and between models: a
// buffer grows to the largest size asked of it).
var workspaces = sync.Pool{New: func() any { return new(workspace) }}

func getWorkspace() *workspace { return workspaces.Get().(*workspace) }

// buf returns *slot resized to n values, reallocated if too small.
func (ws *workspace) buf(slot *[]float32, n int) []float32 {
	if cap(*slot) < n {
		*slot = make([]float32, n)
	}
	*slot = (*slot)[:n]
	return *slot
}

// zeros returns n zeros.
func (ws *workspace) zeros(n int) []float32 {
	if len(ws.zerosBuf) < n {
		ws.zerosBuf = make([]float32, n)
	}
	return ws.zerosBuf[:n]
}

// parallelRows calls fn on blocks of rows [r0, r1) in parallel: about four
// blocks per thread, each at least rowWork values long in total.
func parallelRows(rows, dim int, fn func(r0, r1 int)) {
	const rowWork = 8192
	threads := runtime.GOMAXPROCS(0)
	per := max((rows+4*threads-1)/(4*threads), (rowWork+dim-1)/max(dim, 1), 1)
	blocks := (rows + per - 1) / per
	tensor.Parallel(blocks, 0, func(i int) {
		fn(i*per, min(rows, (i+1)*per))
	})
}

// modulation is the adaLN output of every image, chunks vectors of h
// values per image, the scales already 1 + scale.
type modulation struct {
	v      []float32
	chunks int
}

// chunk returns chunk j of image b.
func (m modulation) chunk(b, j, h int) []float32 {
	o := (b*m.chunks + j) * h
	return m.v[o : o+h]
}

// rowSet describes the token rows of a batch: tok rows per image, h wide.
type rowSet struct {
	tok, h int
	zeros  []float32 // h zeros, the bias of a Linear without one
}

// gatedAddLN is the residual update of a DiT branch fused with the layer
// norm and modulation of the next one, row by row:
//
//	x += gate·(branch + bias)                    (skipped when branch is nil)
//	ln = layernorm(x)·(1 + scale) + shift        (eps 1e-6)
//
// gate is chunk gate of gm, shift and 1 + scale chunks shift and shift+1
// of lm, for the image of each row.
func (rs rowSet) gatedAddLN(x, branch, bias []float32, gm modulation, gate int, ln []float32, lm modulation, shift int) {
	h := rs.h
	rows := len(x) / h
	if branch != nil && bias == nil {
		bias = rs.zeros
	}
	parallelRows(rows, h, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			b := r / rs.tok
			xr := x[r*h : (r+1)*h]
			if branch != nil {
				simd.GatedAdd(xr, gm.chunk(b, gate, h), branch[r*h:(r+1)*h], bias)
			}
			simd.LayerNormModulate(ln[r*h:(r+1)*h], xr, lm.chunk(b, shift, h), lm.chunk(b, shift+1, h), 1e-6)
		}
	})
}
