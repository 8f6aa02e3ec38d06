package dit

import (
	"math"
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
	onesBuf                                                           []float32
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

// ones returns n ones (a row mean is a dot product with them).
func (ws *workspace) ones(n int) []float32 {
	if len(ws.onesBuf) < n {
		ws.onesBuf = make([]float32, n)
		for i := range ws.onesBuf {
			ws.onesBuf[i] = 1
		}
	}
	return ws.onesBuf[:n]
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
	ones   []float32 // h ones
}

// gatedAddLN is the residual update of a DiT branch fused with the layer
// norm and modulation of the next one, row by row:
//
//	x += gate·(branch + bias)                    (skipped when branch is nil)
//	ln = layernorm(x)·(1 + scale) + shift
//
// gate is chunk gate of gm, shift and 1 + scale chunks shift and shift+1
// of lm, for the image of each row. Each step is rounded to f32 as PyTorch
// does (no fused multiply-add in the update).
func (rs rowSet) gatedAddLN(x, branch, bias []float32, gm modulation, gate int, ln []float32, lm modulation, shift int) {
	h := rs.h
	rows := len(x) / h
	parallelRows(rows, h, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			b := r / rs.tok
			xr := x[r*h : (r+1)*h]
			if branch != nil {
				yr := branch[r*h : (r+1)*h]
				g := gm.chunk(b, gate, h)
				if bias != nil {
					bias := bias[:h]
					for i, v := range yr {
						xr[i] += float32(g[i] * (v + bias[i]))
					}
				} else {
					for i, v := range yr {
						xr[i] += float32(g[i] * v)
					}
				}
			}
			rs.lnModulate(ln[r*h:(r+1)*h], xr, lm.chunk(b, shift, h), lm.chunk(b, shift+1, h))
		}
	})
}

// lnModulate sets dst = layernorm(x)·scale1 + shift for one row
// (LayerNorm without affine parameters, eps 1e-6, the variance of the
// centred row).
func (rs rowSet) lnModulate(dst, x, shift, scale1 []float32) {
	h := len(x)
	mean := simd.Dot(x, rs.ones) / float32(h)
	for i, v := range x {
		dst[i] = v - mean
	}
	variance := simd.Dot(dst, dst) / float32(h)
	inv := float32(1 / math.Sqrt(float64(variance+1e-6)))
	shift, scale1 = shift[:h], scale1[:h]
	for i, v := range dst {
		dst[i] = float32(v*inv)*scale1[i] + shift[i]
	}
}
