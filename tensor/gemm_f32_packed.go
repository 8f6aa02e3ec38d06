package tensor

import (
	"fmt"

	"github.com/pare-ml/pare/simd"
)

// PackedF32 is a matrix B (n×k, a weight laid out [out, in]) packed once
// into the panel layout of the GEMM micro-kernel, so that products with
// many A (every token of every call) skip the packing GemmF32 does each
// time. Its Gemm gives the bits GemmF32 gives for m > 3, and every row of
// C depends only on the same row of A, whatever m is (batch invariance).
//
// A PackedF32 is never modified after PackF32, so any number of goroutines
// may call Gemm at once.
//
// The layout belongs to the micro-kernel chosen when packing. If the SIMD
// level changes afterwards (simd.SetLevel), Gemm stays correct by
// unpacking B and calling GemmF32, which is slow; pack again instead.
type PackedF32 struct {
	n, k    int
	kernel  *simd.F32Kernel // whose layout data has
	kc      int             // depth of a k block
	npanels int             // NR-column panels: ceil(n/NR)
	// data holds, for each k block pc (kc deep, the last one shorter),
	// every panel in turn: panel q of block pc starts at
	// pc·npanels·NR + q·kb·NR and is kb steps of NR values.
	data []float32
}

// PackF32 packs b, an n×k row-major matrix (len(b) >= n·k), for
// PackedF32.Gemm. It panics if b is too short.
func PackF32(b []float32, n, k int) *PackedF32 {
	if n < 0 || k < 0 || len(b) < n*k {
		panic(fmt.Sprintf("tensor: PackF32: B is %d×%d but len(b)=%d", n, k, len(b)))
	}
	kn := simd.GemmF32Kernel()
	nr := kn.NR
	p := &PackedF32{n: n, k: k, kernel: kn, npanels: ceilDiv(n, nr)}
	if k > 0 {
		p.kc = f32BlockingFor(kn, k).kc
	}
	p.data = make([]float32, p.npanels*nr*k)
	threads := 0
	if n*k < gemmF32Serial {
		threads = 1
	}
	for pc := 0; pc < k; pc += p.kc {
		kb := min(p.kc, k-pc)
		Parallel(p.npanels, threads, func(q int) {
			rows := min(nr, n-q*nr)
			simd.PackF32Panel(p.panel(pc, kb, q), b[q*nr*k+pc:], k, rows, kb, nr)
		})
	}
	return p
}

// Dims returns n and k, the shape of B.
func (p *PackedF32) Dims() (n, k int) { return p.n, p.k }

// panel is panel q of the k block starting at pc (kb deep).
func (p *PackedF32) panel(pc, kb, q int) []float32 {
	return p.panels(pc, kb, q, q+1)
}

// panels returns panels q0..q1 of the k block starting at pc (kb deep).
func (p *PackedF32) panels(pc, kb, q0, q1 int) []float32 {
	nr := p.kernel.NR
	base := pc * p.npanels * nr
	return p.data[base+q0*kb*nr : base+q1*kb*nr]
}

// unpack rebuilds B (n×k, row-major) from the panels.
func (p *PackedF32) unpack() []float32 {
	nr := p.kernel.NR
	b := make([]float32, p.n*p.k)
	for pc := 0; pc < p.k; pc += p.kc {
		kb := min(p.kc, p.k-pc)
		for j := 0; j < p.n; j++ {
			pan := p.panel(pc, kb, j/nr)
			for s := 0; s < kb; s++ {
				b[j*p.k+pc+s] = pan[s*nr+j%nr]
			}
		}
	}
	return b
}

// Gemm computes C = A·Bᵀ for the packed B: A is m×k with row stride lda,
// C is m×n with row stride ldc and is overwritten (see GemmF32). It panics
// if a size is negative, a stride is smaller than its row, or a slice is
// too short.
func (p *PackedF32) Gemm(m int, a []float32, lda int, c []float32, ldc int) {
	n, k := p.n, p.k
	checkGemmF32(m, n, k, a, lda, nil, k, c, ldc, false)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}
	kn := simd.GemmF32Kernel()
	if kn != p.kernel {
		// The level changed since packing: the panels do not fit this
		// kernel.
		GemmF32(m, n, k, a, lda, p.unpack(), k, c, ldc)
		return
	}
	bl := f32BlockingFor(p.kernel, k)
	bl.kc = p.kc // the same by construction; the layout is what counts
	gemmF32(kn, bl, m, n, k, a, lda, f32B{packed: p}, c, ldc)
}
