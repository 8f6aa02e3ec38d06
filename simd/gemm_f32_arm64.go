//go:build !purego && !noasm

package simd

var gemmF32NEON = &F32Kernel{Name: "neon-8x12", Level: NEON, MR: 8, NR: 12, fn: gemmF32NEONTile}

func gemmF32KernelFor(l Level) *F32Kernel {
	if l == NEON && detected.Level == NEON {
		return gemmF32NEON
	}
	return gemmF32GenericKernel
}

func gemmF32NEONTile(k int, a, b, c []float32, ldc int, accumulate bool) {
	gemmF32NEON_8x12(k, panelPtr(a, k), panelPtr(b, k), &c[0], ldc, accumulate)
}

// gemmF32NEON_8x12 computes an 8×12 tile with 24 accumulators and FMLA by
// element. k may be 0.
//
//go:noescape
func gemmF32NEON_8x12(k int, a, b, c *float32, ldc int, accumulate bool)
