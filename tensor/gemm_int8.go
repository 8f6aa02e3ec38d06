package tensor

import (
	"fmt"
	"sync"

	"github.com/pare-ml/pare/simd"
)

// GemmInt8 computes C = A·Wᵀ for m rows of f32 activations A (row stride
// lda, K columns) and int8 weights W, writing C (row stride ldc, N
// columns). Each row of A is quantized per token inside the call
// (QuantizeRowsInt8), products are summed in int32 and scaled once:
//
//	for i < m, j < N:
//		qa, sa := QuantizeRowsInt8(A[i])
//		var s int32
//		for k := range K { s += int32(qa[k]) * int32(W.Q[j*K+k]) }
//		C[i*ldc+j] = float32(s) * W.Scale[j] * sa // rounded left to right
//
// Every kernel path gives these exact bits, for any GOMAXPROCS: work is
// split over output tiles only. The int32 sums are exact while
// K·127·128 < 2³¹ (K below 132000). It panics if the slices are too short.
func GemmInt8(m int, a []float32, lda int, w *Int8Weights, c []float32, ldc int) {
	n, k := w.N, w.K
	if m < 0 || lda < k || ldc < n ||
		(m > 0 && (len(a) < (m-1)*lda+k || len(c) < (m-1)*ldc+n)) {
		panic(fmt.Sprintf("tensor: GemmInt8: bad sizes m=%d n=%d k=%d lda=%d ldc=%d len(a)=%d len(c)=%d",
			m, n, k, lda, ldc, len(a), len(c)))
	}
	if m == 0 || n == 0 {
		return
	}
	w.pack()
	g := simd.NewGemmS8().ForRows(m)
	mr := g.MR()
	nb := (m + mr - 1) / mr
	ablk := g.ABlockLen(k)
	ws := getS8Work(nb*ablk, nb*mr)
	defer s8WorkPool.Put(ws)

	// Quantize and pack A, one block of MR rows per work item.
	Parallel(nb, 0, func(ib int) {
		r0 := ib * mr
		g.PackA(ws.blk[ib*ablk:(ib+1)*ablk], ws.sa[r0:r0+mr], ws.corr[r0:r0+mr], a[r0*lda:], lda, min(mr, m-r0), k)
	})

	// Output tiles of about 192 rows × 128 columns. Inside a tile each
	// pair of B panels is loaded once and used by every A block of the
	// tile, which stay in L2 meanwhile; the first block's call also
	// prepares the pair for the kernel (simd.GemmS8.BlockF32Prep) that
	// the others read. Full pairs are written straight into C, a partial
	// one through scratch.
	const colPanels, tileRows = 8, 192
	rowBlocks := max(1, tileRows/mr)
	np := simd.S8Panels(n)
	plen := simd.S8PanelLen(k)
	nrt, nct := (nb+rowBlocks-1)/rowBlocks, (np+colPanels-1)/colPanels
	Parallel(nrt*nct, 0, func(t int) {
		var prep []int8 // scratch of prepared B panels, if the kernel has them
		if size := g.PrepBLen(2, k); size > 0 {
			sp := getS8Prep(size)
			defer s8PrepPool.Put(sp)
			prep = *sp
		}
		rt, ct := t/nct, t%nct
		ib0, ib1 := rt*rowBlocks, min(nb, (rt+1)*rowBlocks)
		for p := ct * colPanels; p < min(np, (ct+1)*colPanels); p += 2 {
			j0 := 16 * p
			cols := min(n-j0, 32)
			b := w.panels[p*plen : (p+2)*plen]
			for ib := ib0; ib < ib1; ib++ {
				r0 := ib * mr
				rows := min(mr, m-r0)
				blk, corr, sa, sb := ws.blk[ib*ablk:(ib+1)*ablk], ws.corr[r0:r0+mr], ws.sa[r0:r0+mr], w.scales[j0:]
				block := func(out []float32, ldo int) {
					if ib == ib0 {
						b = g.BlockF32Prep(rows, 2, k, blk, sa, corr, b, sb, out, ldo, prep)
					} else {
						g.BlockF32(rows, 2, k, blk, sa, corr, b, sb, out, ldo)
					}
				}
				if cols == 32 {
					block(c[r0*ldc+j0:], ldc)
					continue
				}
				var tile [16 * 32]float32 // MR ≤ 16 rows × 2 panels
				block(tile[:], 32)
				for r := 0; r < rows; r++ {
					copy(c[(r0+r)*ldc+j0:(r0+r)*ldc+j0+cols], tile[r*32:r*32+cols])
				}
			}
		}
	})
}

// GemmInt8Path names the int8 kernel GemmInt8 uses now: "avx512-vnni",
// "avx2", "neon-sdot" or "generic".
func GemmInt8Path() string { return simd.NewGemmS8().Name() }

// s8Work is the per-call scratch of GemmInt8: packed A blocks, their row
// scales and bias terms.
type s8Work struct {
	blk  []int8
	sa   []float32
	corr []int32
}

var s8WorkPool = sync.Pool{New: func() any { return new(s8Work) }}

// s8PrepPool holds the scratch of prepared B panels (simd.GemmS8.PrepB).
var s8PrepPool = sync.Pool{New: func() any { return new([]int8) }}

func getS8Prep(n int) *[]int8 {
	p := s8PrepPool.Get().(*[]int8)
	if cap(*p) < n {
		*p = make([]int8, n)
	}
	*p = (*p)[:n]
	return p
}

func getS8Work(nblk, nrows int) *s8Work {
	ws := s8WorkPool.Get().(*s8Work)
	if cap(ws.blk) < nblk {
		ws.blk = make([]int8, nblk)
	}
	if cap(ws.sa) < nrows {
		ws.sa = make([]float32, nrows)
		ws.corr = make([]int32, nrows)
	}
	ws.blk, ws.sa, ws.corr = ws.blk[:nblk], ws.sa[:nrows], ws.corr[:nrows]
	return ws
}
