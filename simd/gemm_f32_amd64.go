//go:build !purego && !noasm

package simd

// The kernels themselves (gemmF32AVX512, 14×32 with VFMADD231PS.BCST, and
// gemmF32AVX2, 6×16 with VBROADCASTSS and VFMADD231PS, each with narrow
// forms) are declared in gemm_f32_kernels_amd64.go, generated with the
// assembly by gemm_f32_gen.go.

func gemmF32KernelFor(l Level) *F32Kernel {
	switch {
	case l >= AVX512 && detected.Level >= AVX512:
		return gemmF32AVX512
	case l >= AVX2 && detected.Level >= AVX2:
		return gemmF32AVX2
	}
	return gemmF32GenericKernel
}

// asmTile adapts an assembly kernel to the slice signature of F32Kernel.
func asmTile(f func(k int, a, b, c *float32, ldc int, accumulate bool)) func(k int, a, b, c []float32, ldc int, accumulate bool) {
	return func(k int, a, b, c []float32, ldc int, accumulate bool) {
		f(k, panelPtr(a, k), panelPtr(b, k), &c[0], ldc, accumulate)
	}
}
