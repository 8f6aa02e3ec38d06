package tensor

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// AttentionParams describes one multi-head attention call.
type AttentionParams struct {
	SeqQ, SeqK int // query rows, key/value rows
	Heads      int // query heads
	KVHeads    int // key/value heads; Heads must be a multiple (grouped-query attention)
	HeadDim    int

	// Causal masks keys after each query's own position: query row i sits
	// at position QPos+i among the keys and sees keys 0..QPos+i. Without
	// Causal (DiT) every query sees every key.
	Causal bool
	// QPos is the position of the first query row within the keys: 0 for a
	// prompt pass, the number of cached tokens when decoding with a KV
	// cache (then SeqK = QPos+SeqQ). Only used when Causal.
	QPos int

	// Scale multiplies the scores; 0 means 1/sqrt(HeadDim).
	Scale float32
}

// Attention computes scaled dot-product attention for every head:
//
//	q, out: [SeqQ, Heads·HeadDim]   k, v: [SeqK, KVHeads·HeadDim]
//	for h in Heads:  g = h / (Heads/KVHeads)       (kv head shared by a group)
//	  for i in SeqQ:
//	    n = Causal ? QPos+i+1 : SeqK                (keys visible to query i)
//	    s[j] = Scale · Σ_d q[i,h,d]·k[j,g,d]        for j < n
//	    p    = softmax(s[:n])                       (max-subtracted)
//	    out[i,h,d] = Σ_j p[j]·v[j,g,d]
//
// Scores, softmax and the weighted sum are f32 with f32 accumulation; the
// probabilities are normalised before the sum as PyTorch's eager attention
// does. Work is split over (head, block of query rows) with Parallel, each
// output row computed whole by one goroutine, so the result is
// bit-identical for any GOMAXPROCS. Scratch is one score row per worker.
//
// Mismatched sizes panic: they are programming errors of the caller.
func Attention(out, q, k, v []float32, p AttentionParams) {
	p.check(len(out), len(q), len(k), len(v))
	if p.SeqQ == 0 || p.Heads == 0 || p.HeadDim == 0 {
		return
	}
	scale := p.Scale
	if scale == 0 {
		scale = float32(1 / math.Sqrt(float64(p.HeadDim)))
	}
	var (
		d       = p.HeadDim
		qStride = p.Heads * d
		kStride = p.KVHeads * d
		group   = p.Heads / p.KVHeads
	)

	// Enough query blocks per head to keep every thread busy.
	threads := runtime.GOMAXPROCS(0)
	blocks := (4*threads + p.Heads - 1) / p.Heads
	blocks = min(max(blocks, 1), p.SeqQ)
	blockRows := (p.SeqQ + blocks - 1) / blocks
	blocks = (p.SeqQ + blockRows - 1) / blockRows

	Parallel(p.Heads*blocks, 0, func(item int) {
		h, b := item/blocks, item%blocks
		g := h / group
		buf := getScores(p.SeqK)
		defer scorePool.Put(buf)
		for i := b * blockRows; i < min((b+1)*blockRows, p.SeqQ); i++ {
			n := p.SeqK
			if p.Causal {
				n = p.QPos + i + 1
			}
			qi := q[i*qStride+h*d : i*qStride+(h+1)*d]
			s := (*buf)[:n]
			for j := range s {
				s[j] = dotF32(qi, k[j*kStride+g*d:j*kStride+(g+1)*d]) * scale
			}
			softmaxRow(s)
			oi := out[i*qStride+h*d : i*qStride+(h+1)*d]
			clear(oi)
			for j, pj := range s {
				axpyF32(pj, v[j*kStride+g*d:j*kStride+(g+1)*d], oi)
			}
		}
	})
}

// check panics on sizes that cannot describe an attention call.
func (p AttentionParams) check(nOut, nQ, nK, nV int) {
	bad := p.SeqQ < 0 || p.SeqK < 0 || p.Heads < 0 || p.KVHeads <= 0 || p.HeadDim < 0 ||
		p.Heads%p.KVHeads != 0 ||
		(p.Causal && (p.QPos < 0 || p.QPos+p.SeqQ > p.SeqK))
	if bad {
		panic(fmt.Sprintf("tensor: Attention: bad params %+v", p))
	}
	qn, kn := p.SeqQ*p.Heads*p.HeadDim, p.SeqK*p.KVHeads*p.HeadDim
	if nOut < qn || nQ < qn || nK < kn || nV < kn {
		panic(fmt.Sprintf("tensor: Attention: out/q/k/v have %d/%d/%d/%d values, need %d/%d/%d/%d (%+v)",
			nOut, nQ, nK, nV, qn, qn, kn, kn, p))
	}
}

// scorePool recycles score rows between Attention work items.
var scorePool sync.Pool

// getScores returns a pooled buffer of at least n floats.
func getScores(n int) *[]float32 {
	if b, ok := scorePool.Get().(*[]float32); ok && cap(*b) >= n {
		*b = (*b)[:n]
		return b
	}
	b := make([]float32, n)
	return &b
}
