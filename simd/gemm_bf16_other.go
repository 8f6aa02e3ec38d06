//go:build purego || noasm || !(amd64 || arm64)

package simd

func gemmBF16Kernel(m, n, kp int, a []uint32, b []uint16, ldb int, c []float32, ldc int, load bool) {
	gemmBF16KernelGeneric(m, n, kp, a, b, ldb, c, ldc, load)
}

func gemmBF16KernelName() string { return "generic" }
