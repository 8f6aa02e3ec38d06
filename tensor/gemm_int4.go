package tensor

import (
	"fmt"
	"sync"

	"github.com/pare-ml/pare/simd"
)

// GemmInt4 computes C = A·Wᵀ for m rows of f32 activations A (row stride
// lda) and int4 weights W (W4A8): each row of A is quantized to int8 per
// token (QuantizeRowsInt8), each group's products are summed in int32 and
// scaled by the group's weight scale, and the row's scale comes last:
//
//	for i < m, j < N:
//		qa, sa := QuantizeRowsInt8(A[i])
//		var f float32
//		for g := range K/Group {
//			var s int32
//			for k in group g { s += int32(qa[k]) * int32(q(W[j][k])) }
//			f += float32(float32(s) * W.Scale[j*(K/Group)+g]) // no FMA
//		}
//		C[i*ldc+j] = f * sa
//
// Every kernel path gives these exact bits, for any GOMAXPROCS. It panics
// if the slices are too short or W does not validate.
func GemmInt4(m int, a []float32, lda int, w *Int4Weights, c []float32, ldc int) {
	n, k, group := w.N, w.K, w.Group
	if m < 0 || lda < k || ldc < n ||
		(m > 0 && (len(a) < (m-1)*lda+k || len(c) < (m-1)*ldc+n)) {
		panic(fmt.Sprintf("tensor: GemmInt4: bad sizes m=%d n=%d k=%d lda=%d ldc=%d len(a)=%d len(c)=%d",
			m, n, k, lda, ldc, len(a), len(c)))
	}
	w.pack()
	if m == 0 || n == 0 {
		return
	}
	g := simd.NewGemmS4()
	mr := g.MR()
	nb := (m + mr - 1) / mr
	ablk, ncorr := g.ABlockLen(k, group), g.CorrLen(k, group)
	ws := getS4Work(nb*ablk, nb*mr, nb*ncorr)
	defer s4WorkPool.Put(ws)

	Parallel(nb, 0, func(ib int) {
		r0 := ib * mr
		g.PackA(ws.blk[ib*ablk:(ib+1)*ablk], ws.sa[r0:r0+mr], ws.corr[ib*ncorr:(ib+1)*ncorr], a[r0*lda:], lda, min(mr, m-r0), k, group)
	})

	// Output tiles of about 192 rows × 128 columns; inside a tile each
	// panel is loaded once and used by every A block of the tile. Full
	// panels are written straight into C, a partial one through scratch.
	const colPanels, tileRows = 8, 192
	rowBlocks := max(1, tileRows/mr)
	np := simd.S4Panels(n)
	plen := simd.S4PanelLen(k, group)
	nrt, nct := (nb+rowBlocks-1)/rowBlocks, (np+colPanels-1)/colPanels
	Parallel(nrt*nct, 0, func(t int) {
		var tile [16 * 16]float32 // MR ≤ 16 rows × one panel
		rt, ct := t/nct, t%nct
		for p := ct * colPanels; p < min(np, (ct+1)*colPanels); p++ {
			j0 := 16 * p
			cols := min(n-j0, 16)
			b := w.panels[p*plen : (p+1)*plen]
			for ib := rt * rowBlocks; ib < min(nb, (rt+1)*rowBlocks); ib++ {
				r0 := ib * mr
				rows := min(mr, m-r0)
				blk, corr, sa := ws.blk[ib*ablk:(ib+1)*ablk], ws.corr[ib*ncorr:(ib+1)*ncorr], ws.sa[r0:r0+mr]
				if cols == 16 {
					g.Block(rows, 1, k, group, blk, sa, corr, b, c[r0*ldc+j0:], ldc)
					continue
				}
				g.Block(rows, 1, k, group, blk, sa, corr, b, tile[:], 16)
				for r := 0; r < rows; r++ {
					copy(c[(r0+r)*ldc+j0:(r0+r)*ldc+j0+cols], tile[r*16:r*16+cols])
				}
			}
		}
	})
}

// GemmInt4Path names the W4A8 kernel GemmInt4 uses now, like GemmInt8Path.
func GemmInt4Path() string { return simd.NewGemmS4().Name() }

type s4Work struct {
	blk  []int8
	sa   []float32
	corr []int32
}

var s4WorkPool = sync.Pool{New: func() any { return new(s4Work) }}

func getS4Work(nblk, nrows, ncorr int) *s4Work {
	ws := s4WorkPool.Get().(*s4Work)
	if cap(ws.blk) < nblk {
		ws.blk = make([]int8, nblk)
	}
	if cap(ws.sa) < nrows {
		ws.sa = make([]float32, nrows)
	}
	if cap(ws.corr) < ncorr {
		ws.corr = make([]int32, ncorr)
	}
	ws.blk, ws.sa, ws.corr = ws.blk[:nblk], ws.sa[:nrows], ws.corr[:ncorr]
	return ws
}
