package tensor

import (
	"fmt"
	"math"
	"runtime"

	"github.com/pare-ml/pare/simd"
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
// does.
//
// Both products run on the GEMM micro-kernel (simd.GemmF32Kernel): per
// work item, a block of query rows of one head, S = Q·Kᵀ over the keys the
// block can see (K packed once per key/value head), then the row softmax
// (masked keys get probability 0), then O = P·V over keys in fixed blocks of
// attnKeyBlock (V packed once per head as the kernel's Vᵀ panels). Every
// score is one fused multiply-add chain over the head dimension and every
// output the chain over a key block, blocks added in order, whatever rows
// share a tile: so a row's result does not depend on how the queries were
// blocked, how many there are or on GOMAXPROCS, and decoding one query at a
// time gives the bits of the full causal pass. Work is split over (head,
// block of query rows) with Parallel.
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
		kn      = simd.GemmF32Kernel()
		mr, nr  = kn.MR, kn.NR
	)
	if p.SeqK == 0 {
		clear(out[:p.SeqQ*qStride]) // no keys: every output is an empty sum
		return
	}

	// Pack K (NR-key panels over the head dimension) and V (Vᵀ in NR-wide
	// panels of the head dimension, over the keys) once per kv head.
	kPanels, vPanels := ceilDiv(p.SeqK, nr), ceilDiv(d, nr)
	kSize, vSize := kPanels*nr*d, vPanels*nr*p.SeqK
	packed := getF32(p.KVHeads * (kSize + vSize))
	defer putF32(packed)
	Parallel(p.KVHeads*(kPanels+vPanels), 0, func(item int) {
		g, t := item/(kPanels+vPanels), item%(kPanels+vPanels)
		kp := packed[g*kSize : (g+1)*kSize]
		vp := packed[p.KVHeads*kSize+g*vSize : p.KVHeads*kSize+(g+1)*vSize]
		if t < kPanels {
			j := t * nr
			simd.PackF32Panel(kp[t*nr*d:(t+1)*nr*d], k[j*kStride+g*d:], kStride, min(nr, p.SeqK-j), d, nr)
			return
		}
		t -= kPanels
		packVPanel(vp[t*nr*p.SeqK:(t+1)*nr*p.SeqK], v[g*d+t*nr:], kStride, p.SeqK, min(nr, d-t*nr), nr)
	})

	// Query blocks: a few MR-row panels, small enough that every thread
	// gets several items.
	threads := runtime.GOMAXPROCS(0)
	blockRows := roundUp(min(4*mr, p.SeqQ), mr)
	for blockRows > mr && p.Heads*ceilDiv(p.SeqQ, blockRows) < 4*threads {
		blockRows -= mr
	}
	blocks := ceilDiv(p.SeqQ, blockRows)

	Parallel(p.Heads*blocks, 0, func(item int) {
		// Causal blocks see more keys further down: hand those out first.
		h, b := item%p.Heads, blocks-1-item/p.Heads
		g := h / group
		i0 := b * blockRows
		i1 := min(i0+blockRows, p.SeqQ)
		keys := p.SeqK
		if p.Causal {
			keys = p.QPos + i1
		}
		attentionBlock(kn, out[i0*qStride+h*d:], q[i0*qStride+h*d:], qStride, i1-i0,
			packed[g*kSize:(g+1)*kSize], packed[p.KVHeads*kSize+g*vSize:p.KVHeads*kSize+(g+1)*vSize],
			p, i0, keys, scale)
	})
}

// attnKeyBlock is the number of keys per step of O = P·V. It is fixed so
// that a query row's sums are cut at the same keys however many keys its
// block sees.
const attnKeyBlock = 256

// attentionBlock computes the output rows [i0, i0+rows) of one head: q and
// out start at the block's first row (row stride ld), kp holds the head's K
// panels and vp its Vᵀ panels (p.SeqK keys), and the block sees its first
// keys keys.
func attentionBlock(kn *simd.F32Kernel, out, q []float32, ld, rows int, kp, vp []float32, p AttentionParams, i0, keys int, scale float32) {
	mr, nr, d := kn.MR, kn.NR, p.HeadDim
	aPanels := ceilDiv(rows, mr)
	ldS := roundUp(keys, nr)
	ldO := roundUp(d, nr)
	kb := min(attnKeyBlock, keys)
	buf := getF32(aPanels*mr*(d+ldS+ldO) + aPanels*mr*kb)
	defer putF32(buf)
	qp, rest := buf[:aPanels*mr*d], buf[aPanels*mr*d:]
	s, rest := rest[:aPanels*mr*ldS], rest[aPanels*mr*ldS:]
	o, pp := rest[:aPanels*mr*ldO], rest[aPanels*mr*ldO:]

	// S = Q·Kᵀ, full tiles straight into s.
	for a := 0; a < aPanels; a++ {
		r := a * mr
		simd.PackF32Panel(qp[a*mr*d:(a+1)*mr*d], q[r*ld:], ld, min(mr, rows-r), d, mr)
	}
	for a := 0; a < aPanels; a++ {
		ap := qp[a*mr*d : (a+1)*mr*d]
		// Keys the panel's last row sees: tiles past them are not needed.
		seen := keys
		if p.Causal {
			seen = min(keys, p.QPos+i0+min((a+1)*mr, rows))
		}
		for t := 0; t < ceilDiv(seen, nr); t++ {
			kn.Run(d, ap, kp[t*nr*d:(t+1)*nr*d], s[a*mr*ldS+t*nr:], ldS, false)
		}
	}
	// P = softmax(scale·S) per row, zero past the keys the row sees.
	for i := 0; i < rows; i++ {
		n := keys
		if p.Causal {
			n = p.QPos + i0 + i + 1
		}
		row := s[i*ldS : i*ldS+keys]
		scaledSoftmaxRow(row[:n], scale)
		clear(row[n:])
	}
	// O = P·V in key blocks, accumulated in o.
	vPanels := ceilDiv(d, nr)
	for k0 := 0; k0 < keys; k0 += attnKeyBlock {
		k1 := min(k0+attnKeyBlock, keys)
		w := k1 - k0
		for a := 0; a < aPanels; a++ {
			r := a * mr
			simd.PackF32Panel(pp[a*mr*w:(a+1)*mr*w], s[r*ldS+k0:], ldS, min(mr, rows-r), w, mr)
		}
		for a := 0; a < aPanels; a++ {
			ap := pp[a*mr*w : (a+1)*mr*w]
			for t := 0; t < vPanels; t++ {
				bp := vp[t*nr*p.SeqK+k0*nr : t*nr*p.SeqK+k1*nr]
				kn.Run(w, ap, bp, o[a*mr*ldO+t*nr:], ldO, k0 > 0)
			}
		}
	}
	for i := 0; i < rows; i++ {
		copy(out[i*ld:i*ld+d], o[i*ldO:i*ldO+d])
	}
}

// packVPanel packs cols (at most w) columns of V, n rows with stride ld,
// as one B panel of Vᵀ: dst[j*w+c] = v[j*ld+c], zero for cols <= c < w.
func packVPanel(dst, v []float32, ld, n, cols, w int) {
	for j := 0; j < n; j++ {
		row := dst[j*w : (j+1)*w]
		copy(row, v[j*ld:j*ld+cols])
		clear(row[cols:])
	}
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
