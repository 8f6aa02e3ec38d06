package tensor

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/pare-ml/pare/simd"
)

// BF16Weights is a weight matrix W[N][K] (a Linear's [out, in]) in
// bfloat16, kept both as given (Bits, row-major) and packed for the GEMM
// micro-kernel: panels of simd.GemmBF16NR rows with consecutive k values
// interleaved in pairs. Packing happens once, in the constructor.
type BF16Weights struct {
	N, K int
	Bits []uint16 // row-major N×K bfloat16 bit patterns

	panels []uint16 // ceil(N/NR) panels of simd.BF16PanelLen(K) values
}

// NewBF16Weights wraps bits (row-major n×k bfloat16, not copied) and packs
// them. It panics if bits is shorter than n·k.
func NewBF16Weights(bits []uint16, n, k int) *BF16Weights {
	if n < 0 || k < 0 || len(bits) < n*k {
		panic(fmt.Sprintf("tensor: NewBF16Weights: %d values for %d×%d", len(bits), n, k))
	}
	w := &BF16Weights{N: n, K: k, Bits: bits[:n*k]}
	np := (n + simd.GemmBF16NR - 1) / simd.GemmBF16NR
	pl := simd.BF16PanelLen(k)
	w.panels = make([]uint16, np*pl)
	Parallel(np, 0, func(j int) {
		j0 := j * simd.GemmBF16NR
		simd.PackBF16B(w.panels[j*pl:(j+1)*pl], w.Bits[j0*k:], k, min(simd.GemmBF16NR, n-j0), k)
	})
	return w
}

// ToBF16Weights rounds w (row-major n×k float32) to bfloat16, nearest
// even, and packs it.
func ToBF16Weights(w []float32, n, k int) *BF16Weights {
	if n < 0 || k < 0 || len(w) < n*k {
		panic(fmt.Sprintf("tensor: ToBF16Weights: %d values for %d×%d", len(w), n, k))
	}
	bits := make([]uint16, n*k)
	simd.F32ToBF16(bits, w[:n*k])
	return NewBF16Weights(bits, n, k)
}

// GemmBF16Path names the kernel GemmBF16 uses now: "avx512bf16"
// (VDPBF16PS), "avx2-fma" (bfloat16 widened to float32, FMA; CPUs without
// AVX512_BF16), "neon" (arm64, widened, FMLA) or "generic" (widened,
// plain Go loops).
func GemmBF16Path() string { return simd.GemmBF16KernelName() }

// GemmBF16 computes C = bf16(A)·Wᵀ with float32 accumulation: A is m×K
// float32 (row stride lda), rounded to bfloat16 inside (nearest even), W
// is N×K bfloat16, C is m×N float32 (row stride ldc) and is overwritten.
// The reference loop, for each i < m, j < N:
//
//	s := float32(0)
//	for p := 0; 2*p < K; p++ {
//		s += a(i, 2p+1) * w(j, 2p+1) // the odd k of each pair first (0 past K)
//		s += a(i, 2p) * w(j, 2p)
//	}
//	c[i*ldc+j] = s
//
// with a(i, k) = bf16(A[i*lda+k]) widened to float32. A product of two
// bfloat16 values is exact in float32 (unless it overflows or falls below
// 2^-126), so every path computes the same products, and every path adds
// them in this order (VDPBF16PS's), so the generic, AVX2 + FMA and NEON
// paths give the same bits, and the AVX512_BF16 path does too except
// where VDPBF16PS flushes subnormal inputs or sums to zero (a difference
// below 2^-126 per k). Tests compare the paths bit
// for bit on data without subnormals and, with them, within that bound;
// against a float64 sum of the same products the error is at most
// K·2^-24·Σ|a·w| per element (one rounding per add).
//
// Work is split over output tiles (never over K) and run with Parallel,
// so results are bit-identical for any GOMAXPROCS. GemmBF16 panics if the
// sizes do not fit the slices (a programming error).
func GemmBF16(m int, a []float32, lda int, w *BF16Weights, c []float32, ldc int) {
	n, k := w.N, w.K
	if m < 0 || lda < k || ldc < n || m > 0 && (len(a) < (m-1)*lda+k || len(c) < (m-1)*ldc+n) {
		panic(fmt.Sprintf("tensor: GemmBF16: m=%d N=%d K=%d lda=%d ldc=%d, len(a)=%d len(c)=%d",
			m, n, k, lda, ldc, len(a), len(c)))
	}
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}

	const mr, nr = simd.GemmBF16MR, simd.GemmBF16NR
	kp := (k + 1) / 2
	nrb := (m + mr - 1) / mr // row blocks
	np := (n + nr - 1) / nr  // column panels
	pl := simd.BF16PanelLen(k)

	// A rounded to bfloat16 and packed per row block: block rb starts at
	// rb·mr·kp and holds its rows' pairs k-pair major.
	ap := bf16PackPool.get(nrb * mr * kp)
	defer bf16PackPool.put(ap)
	Parallel(nrb, 0, func(rb int) {
		r0 := rb * mr
		simd.PackBF16A(ap[r0*kp:], a[r0*lda:], lda, min(mr, m-r0), k)
	})

	// Tiles of bf16TileRowBlocks row blocks × tp panels. Each kernel call
	// runs over all of K (the sums stay in registers). A single row block
	// of one or two rows takes the tile's panels in one call (the kernel
	// then works on four panels at once); otherwise panels go one at a
	// time, each staying in L2 while the tile's row blocks pass over it.
	const tr = bf16TileRowBlocks
	tp := bf16TilePanels(nrb, np)
	ntr, ntp := (nrb+tr-1)/tr, (np+tp-1)/tp
	Parallel(ntr*ntp, 0, func(t int) {
		rb0, j0 := t/ntp*tr, t%ntp*tp
		rb1, j1 := min(rb0+tr, nrb), min(j0+tp, np)
		if m <= 2 {
			cols := min(j1*nr, n) - j0*nr
			simd.GemmBF16Kernel(m, cols, kp, ap, w.panels[j0*pl:], pl, c[j0*nr:], ldc, false)
			return
		}
		for j := j0; j < j1; j++ {
			cols := min(nr, n-j*nr)
			for rb := rb0; rb < rb1; rb++ {
				r0 := rb * mr
				simd.GemmBF16Kernel(min(mr, m-r0), cols, kp, ap[r0*kp:], w.panels[j*pl:], pl,
					c[r0*ldc+j*nr:], ldc, false)
			}
		}
	})
}

// bf16TileRowBlocks is the number of row blocks (of simd.GemmBF16MR rows)
// in a tile.
const bf16TileRowBlocks = 4

// bf16TilePanels picks how many panels a tile spans: 8 (256 columns), fewer
// when that would leave under four tiles per goroutine.
func bf16TilePanels(nrb, np int) int {
	want := 4 * runtime.GOMAXPROCS(0)
	ntr := (nrb + bf16TileRowBlocks - 1) / bf16TileRowBlocks
	tp := 8
	for tp > 1 && ntr*((np+tp-1)/tp) < want {
		tp /= 2
	}
	return tp
}

// bf16PackPool recycles the packed-A buffers of GemmBF16.
var bf16PackPool bf16Pool

type bf16Pool struct{ p sync.Pool }

func (pp *bf16Pool) get(n int) []uint32 {
	if b, ok := pp.p.Get().(*[]uint32); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]uint32, n)
}

func (pp *bf16Pool) put(b []uint32) { pp.p.Put(&b) }
