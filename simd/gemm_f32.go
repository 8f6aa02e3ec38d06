package simd

import "fmt"

// F32Kernel is a GEMM micro-kernel: it computes one MR×NR tile of C from
// a packed panel of A and a packed panel of B. The GEMM driver (package
// tensor) packs the panels, blocks for the caches and handles edge tiles;
// a kernel only ever sees full tiles.
//
// Packed layouts, for k steps:
//
//	a[p*MR+i] = A[i][p]   (MR rows of A, interleaved per k step)
//	b[p*NR+j] = B[j][p]   (NR rows of B, interleaved per k step)
type F32Kernel struct {
	Name   string // short name, e.g. "avx512-14x32"
	Level  Level  // the level it needs
	MR, NR int    // tile rows (of A and C) and columns (rows of B, columns of C)

	fn     func(k int, a, b, c []float32, ldc int, accumulate bool)
	narrow []*F32Kernel // narrow[r-1] has MR = r
}

// Narrow returns a kernel for rows rows of A (MR == rows) that takes the
// same B panels as kn and does the same arithmetic per element, so C is
// bit-identical whichever of the two computes it; nil if the level has
// none for that many rows. The amd64 kernels have every narrower form.
func (kn *F32Kernel) Narrow(rows int) *F32Kernel {
	if rows == kn.MR {
		return kn
	}
	if rows < 1 || rows > len(kn.narrow) {
		return nil
	}
	return kn.narrow[rows-1]
}

// Run computes, for i < MR and j < NR,
//
//	s := float32(0)
//	for p := 0; p < k; p++ {
//		s += a[p*MR+i] * b[p*NR+j]
//	}
//	if accumulate {
//		c[i*ldc+j] += s
//	} else {
//		c[i*ldc+j] = s
//	}
//
// The SIMD kernels use fused multiply-add; the generic one rounds each
// product. For each level the result of an element depends only on its
// row of a and column of b, never on where the tile sits, so a GEMM built
// on it is deterministic. Run panics if a slice is too short or
// ldc < NR: those are programming errors of the driver.
func (kn *F32Kernel) Run(k int, a, b, c []float32, ldc int, accumulate bool) {
	if k < 0 || len(a) < k*kn.MR || len(b) < k*kn.NR || ldc < kn.NR || len(c) < (kn.MR-1)*ldc+kn.NR {
		panic(fmt.Sprintf("simd: %s: bad arguments k=%d len(a)=%d len(b)=%d len(c)=%d ldc=%d",
			kn.Name, k, len(a), len(b), len(c), ldc))
	}
	kn.fn(k, a, b, c, ldc, accumulate)
}

// GemmF32Kernel returns the micro-kernel for the current level (CPU.Level).
// The result is shared: do not modify it.
func GemmF32Kernel() *F32Kernel { return gemmF32KernelFor(CPU.Level) }

// GemmF32Kernels returns the micro-kernels runnable here, one per level in
// Levels(), for tests and benchmarks.
func GemmF32Kernels() []*F32Kernel {
	var ks []*F32Kernel
	for _, l := range Levels() {
		ks = append(ks, gemmF32KernelFor(l))
	}
	return ks
}

// gemmF32GenericKernel is the portable kernel (js/wasm runs it): a 2×4
// tile held in eight local accumulators.
var gemmF32GenericKernel = &F32Kernel{Name: "generic-2x4", Level: Generic, MR: 2, NR: 4, fn: gemmF32Generic}
