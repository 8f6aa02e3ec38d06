package tensor

import (
	"fmt"
	"runtime"

	"github.com/klauspost/cpuid/v2"
	"github.com/pare-ml/pare/internal/scratch"
	"github.com/pare-ml/pare/simd"
)

// GemmF32 computes C = A·Bᵀ in float32. A is m×k with row stride lda, B is
// n×k with row stride ldb (a weight laid out [out, in] like a PyTorch
// Linear), and C is m×n with row stride ldc; C is overwritten. The result
// is that of
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			var s float32
//			for p := 0; p < k; p++ {
//				s += a[i*lda+p] * b[j*ldb+p]
//			}
//			c[i*ldc+j] = s
//		}
//	}
//
// up to rounding: sums run in float32 over blocks of k (with fused
// multiply-add on SIMD levels), so each entry differs from the exact
// product by about sqrt(k)·2⁻²⁴·Σ_p|a·b| typically, k·2⁻²⁴·Σ_p|a·b| at
// worst.
//
// The work is the Goto/BLIS scheme: panels of A and B are packed for the
// micro-kernel chosen by simd.GemmF32Kernel, blocked for the caches, and
// tiles of C are shared among goroutines (tensor.Parallel). K is never
// split between goroutines and the k blocking does not depend on the
// thread count, so C is bit-identical for any GOMAXPROCS. Very small m
// (m == 1 is a matrix-vector product, as in LLM decoding) takes a
// memory-bound path of dot products (simd.Dot), split over n.
//
// It panics if a size is negative, a stride is smaller than its row, or a
// slice is too short: these are programming errors.
func GemmF32(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	checkGemmF32(m, n, k, a, lda, b, ldb, c, ldc, true)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}
	if m <= gemmF32DotRows {
		gemmF32Dots(m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	kn := simd.GemmF32Kernel()
	bl := f32BlockingFor(kn, k)
	gemmF32(kn, bl, m, n, k, a, lda, f32B{b: b, ldb: ldb}, c, ldc)
}

// GemmF32Path returns the short name of the micro-kernel GemmF32 uses now,
// such as "avx512-14x32", "avx2-6x16", "neon-8x12" or "generic-2x4".
func GemmF32Path() string { return simd.GemmF32Kernel().Name }

// checkGemmF32 panics unless the sizes, strides and slices fit; B is
// checked only if checkB.
func checkGemmF32(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, checkB bool) {
	switch {
	case m < 0 || n < 0 || k < 0:
		panic(fmt.Sprintf("tensor: GemmF32: negative size m=%d n=%d k=%d", m, n, k))
	case m > 0 && k > 0 && (lda < k || len(a) < (m-1)*lda+k):
		panic(fmt.Sprintf("tensor: GemmF32: A is %d×%d with lda=%d but len(a)=%d", m, k, lda, len(a)))
	case checkB && n > 0 && k > 0 && (ldb < k || len(b) < (n-1)*ldb+k):
		panic(fmt.Sprintf("tensor: GemmF32: B is %d×%d with ldb=%d but len(b)=%d", n, k, ldb, len(b)))
	case m > 0 && n > 0 && (ldc < n || len(c) < (m-1)*ldc+n):
		panic(fmt.Sprintf("tensor: GemmF32: C is %d×%d with ldc=%d but len(c)=%d", m, n, ldc, len(c)))
	}
}

// f32Blocking is how GemmF32 cuts the problem for the caches.
type f32Blocking struct {
	// kc is the depth of a packed block. It decides the order of the
	// float32 sums, so it depends only on k, the kernel and the L2 size,
	// never on the thread count. The generic kernel uses a fixed value so
	// that a purego build and js/wasm agree bit for bit.
	kc int
	// nc is the widest block of B (columns of C) one work item packs
	// (kc·nc floats, streamed from L2 or L3).
	nc int
	// mc is the most rows of A packed at once; the packed block
	// (mc·kc floats) should sit in the shared L3.
	mc int
}

// Cache sizes in bytes, from cpuid with defaults where it reports nothing
// (js/wasm, some virtual machines).
var f32Caches = func() (c struct{ l1, l2, l3 int }) {
	c.l1, c.l2, c.l3 = cpuid.CPU.Cache.L1D, cpuid.CPU.Cache.L2, cpuid.CPU.Cache.L3
	if c.l1 < 16<<10 || c.l1 > 256<<10 {
		c.l1 = 32 << 10
	}
	if c.l2 < 128<<10 || c.l2 > 64<<20 {
		c.l2 = 1 << 20
	}
	if c.l3 < c.l2 || c.l3 > 1<<30 {
		c.l3 = 8 << 20
	}
	return c
}()

// f32BlockingFor sizes the blocks for kernel kn and depth k.
//
// The kernel does so much arithmetic per byte that its panels need not sit
// in L1: an A micro-panel (MR×kc) sits in L2 and B micro-panels stream
// from L2 or L3, so kc is as deep as one B micro-panel (NR×kc) in an
// eighth of L2 (1024 on a 1 MiB L2 with NR = 32). Deep blocks mean fewer
// passes over C, which is what costs once C outgrows the caches. The
// generic kernel uses a fixed kc (see f32Blocking).
func f32BlockingFor(kn *simd.F32Kernel, k int) f32Blocking {
	kcMax := 256
	if kn.Level != simd.Generic {
		kcMax = f32Caches.l2 / 8 / (4 * kn.NR) / 64 * 64
		kcMax = min(max(kcMax, 256), 1024)
	}
	nk := (k + kcMax - 1) / kcMax
	kc := roundUp((k+nk-1)/nk, 8)
	// nc: a packed B block (kc×nc) of about twice L2, streamed past each
	// A micro-panel.
	nc := max(2*f32Caches.l2/(4*kc)/kn.NR*kn.NR, 4*kn.NR)
	// mc: a packed A block (mc×kc) in a quarter of L3.
	mc := max(f32Caches.l3/4/(4*kc)/kn.MR*kn.MR, 8*kn.MR)
	return f32Blocking{kc: kc, nc: nc, mc: mc}
}

func roundUp(x, to int) int { return (x + to - 1) / to * to }

func ceilDiv(x, y int) int { return (x + y - 1) / y }

// gemmF32Serial is the work (2·m·n·k) below which GemmF32 stays on one
// goroutine: starting others would cost more than they save.
const gemmF32Serial = 1 << 21

// gemmF32 is the blocked GEMM for m >= 1, n >= 1, k >= 1.
//
// Loops, outermost first: rows of A in blocks of mc; k in blocks of kc,
// packing that A block into MR-row panels (shared, in L3); then work items,
// each a block of C columns (and, when there are few, of rows): the item
// packs its B block into NR-column panels (unless B came packed) and for
// each A panel (held in L2) runs the kernel over the B panels.
func gemmF32(kn *simd.F32Kernel, bl f32Blocking, m, n, k int, a []float32, lda int, b f32B, c []float32, ldc int) {
	mr, nr := kn.MR, kn.NR
	threads := runtime.GOMAXPROCS(0)
	if 2*m*n*k < gemmF32Serial {
		threads = 1
	}
	for ic := 0; ic < m; ic += bl.mc {
		mb := min(bl.mc, m-ic)
		panels := ceilDiv(mb, mr)
		g := f32Grid(panels, n, nr, bl.nc, threads)
		ap := getF32(panels * mr * bl.kc)
		for pc := 0; pc < k; pc += bl.kc {
			kb := min(bl.kc, k-pc)
			// Pack A[ic:ic+mb, pc:pc+kb] into MR-row panels.
			const panelsPerItem = 8
			Parallel(ceilDiv(panels, panelsPerItem), threads, func(t int) {
				for q := t * panelsPerItem; q < min(panels, (t+1)*panelsPerItem); q++ {
					r := q * mr
					rows := min(mr, mb-r)
					w := panelKernel(kn, rows).MR
					simd.PackF32Panel(ap[q*mr*kb:q*mr*kb+w*kb], a[(ic+r)*lda+pc:], lda, rows, kb, w)
				}
			})
			Parallel(g.rows*g.cols, threads, func(t int) {
				q0 := (t / g.cols) * g.panelsPerRow
				q1 := min(panels, q0+g.panelsPerRow)
				j0 := (t % g.cols) * g.width
				j1 := min(n, j0+g.width)
				gemmF32Item(kn, ap, q0, q1, ic, mb, j0, j1, pc, kb, b, c, ldc)
			})
		}
		putF32(ap)
	}
}

// f32Work is the grid of work items for one A block: rows of panels by
// columns of C.
type f32Work struct {
	rows, panelsPerRow int // items down, A panels per item
	cols, width        int // items across, C columns per item (a multiple of NR)
}

// f32Grid cuts panels A panels by n columns into items: column blocks of
// at most nc, and enough items that threads goroutines can balance them
// (about four each), splitting rows when columns run out.
func f32Grid(panels, n, nr, nc, threads int) f32Work {
	want := 1
	if threads > 1 {
		want = 4 * threads
	}
	nPanels := ceilDiv(n, nr)
	cols := max(ceilDiv(n, nc), min(want, nPanels))
	width := ceilDiv(nPanels, cols) * nr
	cols = ceilDiv(n, width)
	rows := min(max(ceilDiv(want, cols), 1), panels)
	per := ceilDiv(panels, rows)
	rows = ceilDiv(panels, per)
	return f32Work{rows: rows, panelsPerRow: per, cols: cols, width: width}
}

// panelKernel is the kernel for an A panel of rows rows: kn, or for the
// last, shorter panel its narrow form if it has one (same arithmetic, no
// padding rows computed).
func panelKernel(kn *simd.F32Kernel, rows int) *simd.F32Kernel {
	if rows < kn.MR {
		if nk := kn.Narrow(rows); nk != nil {
			return nk
		}
	}
	return kn
}

// f32B is the B operand of the blocked GEMM: row-major, packed by each
// work item as it goes, or packed beforehand.
type f32B struct {
	b      []float32
	ldb    int
	packed *PackedF32 // if not nil, the panels come from here
}

// gemmF32Item computes C[ic+q0·MR : ic+q1·MR, j0:j1] += (or =, for the
// first k block) the product of A panels q0..q1 and B[j0:j1, pc:pc+kb].
// j0 is a multiple of NR.
func gemmF32Item(kn *simd.F32Kernel, ap []float32, q0, q1, ic, mb, j0, j1, pc, kb int, b f32B, c []float32, ldc int) {
	mr, nr := kn.MR, kn.NR
	accumulate := pc > 0
	bPanels := ceilDiv(j1-j0, nr)
	var bp []float32
	if b.packed != nil {
		bp = b.packed.panels(pc, kb, j0/nr, j0/nr+bPanels)
	} else {
		bp = getF32(bPanels * nr * kb)
		defer putF32(bp)
		for q := 0; q < bPanels; q++ {
			j := j0 + q*nr
			simd.PackF32Panel(bp[q*nr*kb:(q+1)*nr*kb], b.b[j*b.ldb+pc:], b.ldb, min(nr, j1-j), kb, nr)
		}
	}
	var tile []float32
	for q := q0; q < q1; q++ {
		r := q * mr // row within the A block
		rows := min(mr, mb-r)
		pk := panelKernel(kn, rows)
		apan := ap[q*mr*kb : q*mr*kb+pk.MR*kb]
		for jq := 0; jq < bPanels; jq++ {
			bpan := bp[jq*nr*kb : (jq+1)*nr*kb]
			j := j0 + jq*nr
			cols := min(nr, j1-j)
			ct := c[(ic+r)*ldc+j:]
			if rows == pk.MR && cols == nr {
				pk.Run(kb, apan, bpan, ct, ldc, accumulate)
				continue
			}
			// Edge tile: compute the full tile aside, keep the valid part.
			if tile == nil {
				tile = make([]float32, mr*nr)
			}
			pk.Run(kb, apan, bpan, tile, nr, false)
			for i := 0; i < rows; i++ {
				src := tile[i*nr : i*nr+cols]
				dst := ct[i*ldc : i*ldc+cols]
				if accumulate {
					for j, v := range src {
						dst[j] += v
					}
				} else {
					copy(dst, src)
				}
			}
		}
	}
}

// gemmF32DotRows is the largest m that GemmF32 computes as dot products
// (a block of B rows against every row of A while it sits in L2) instead
// of packing B: for so few rows the packing would cost more than it saves.
var gemmF32DotRows = 3

// gemmF32Dots computes C = A·Bᵀ as dot products, c[i][j] = Dot(A[i], B[j])
// (simd.DotRows over blocks of B rows), split over n. For m == 1 (a matrix-vector product, as in LLM decoding)
// and other small m it is bound by the bandwidth of streaming B.
func gemmF32Dots(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	const rowsPerItem = 32
	threads := 0
	if 2*m*n*k < gemmF32Serial {
		threads = 1
	}
	Parallel(ceilDiv(n, rowsPerItem), threads, func(t int) {
		j0, j1 := t*rowsPerItem, min(n, (t+1)*rowsPerItem)
		bj := b[j0*ldb : (j1-1)*ldb+k]
		for i := 0; i < m; i++ {
			simd.DotRows(c[i*ldc+j0:i*ldc+j1], a[i*lda:i*lda+k], bj, ldb)
		}
	})
}

// getF32 and putF32 recycle packing buffers.
func getF32(n int) []float32 { return scratch.F32(n) }

func putF32(s []float32) { scratch.PutF32(s) }
