package dit

import (
	"math"
	"sync"

	"github.com/pare-ml/pare/tensor"
)

// attention is DiT's multi-head self-attention over the tokens of each
// image, reading q, k and v in place from the QKV projection:
//
//	qkv: [n·tok, 3h], features [3][heads][hd]     out: [n·tok, h]
//	for image b, head j:
//	    S = Q·Kᵀ                  (tok × tok, one f32 GEMM, rows strided 3h)
//	    P = softmax(S/√hd) by rows
//	    O = P·V                   (one f32 GEMM with V transposed)
//
// Work items are (image, head) pairs, each computed whole by one
// goroutine (the GEMMs inside split only their output tiles), so the
// result is bit-identical for any GOMAXPROCS.
func attention(out, qkv []float32, n, tok, h, heads int) {
	hd := h / heads
	scale := float32(1 / math.Sqrt(float64(hd)))
	ld := 3 * h
	tensor.Parallel(n*heads, 0, func(item int) {
		b, j := item/heads, item%heads
		sc := attnScratch.Get().(*attnBufs)
		defer attnScratch.Put(sc)
		s := sc.get(&sc.s, tok*tok)
		vt := sc.get(&sc.vt, hd*tok)
		base := b * tok * ld
		q := qkv[base+j*hd:]
		k := qkv[base+h+j*hd:]
		v := qkv[base+2*h+j*hd:]
		tensor.GemmF32(tok, tok, hd, q, ld, k, ld, s, tok)
		for r := 0; r < tok; r++ {
			simdSoftmax(s[r*tok:(r+1)*tok], scale)
		}
		for t := 0; t < tok; t++ {
			vr := v[t*ld : t*ld+hd]
			for d, x := range vr {
				vt[d*tok+t] = x
			}
		}
		tensor.GemmF32(tok, hd, tok, s, tok, vt, tok, out[b*tok*h+j*hd:], h)
	})
}

// attnBufs is the scratch of one attention work item.
type attnBufs struct{ s, vt []float32 }

var attnScratch = sync.Pool{New: func() any { return new(attnBufs) }}

func (a *attnBufs) get(slot *[]float32, n int) []float32 {
	if cap(*slot) < n {
		*slot = make([]float32, n)
	}
	*slot = (*slot)[:n]
	return *slot
}
