//go:build !purego && !noasm

package simd

import "unsafe"

//go:generate go run gemm_bf16_gen.go

// gemmBF16DP[m-1] is the AVX512_BF16 kernel for m rows (gemm_bf16_amd64.s).
// mask has bit j set for each column j to store; load != 0 starts from C.
var gemmBF16DP = [GemmBF16MR]func(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int){
	gemmBF16DP1, gemmBF16DP2, gemmBF16DP3, gemmBF16DP4, gemmBF16DP5, gemmBF16DP6, gemmBF16DP7,
	gemmBF16DP8, gemmBF16DP9, gemmBF16DP10, gemmBF16DP11, gemmBF16DP12, gemmBF16DP13, gemmBF16DP14,
}

func gemmBF16Kernel(m, n, kp int, a []uint32, b []uint16, c []float32, ldc int, load bool) {
	if !CPU.AVX512BF16 {
		gemmBF16KernelGeneric(m, n, kp, a, b, c, ldc, load)
		return
	}
	l := 0
	if load {
		l = 1
	}
	var ap *uint32
	if kp > 0 {
		ap = &a[0]
	}
	gemmBF16DP[m-1](ap, unsafe.SliceData(b), &c[0], kp, ldc, 1<<n-1, l)
}

func gemmBF16KernelName() string {
	if CPU.AVX512BF16 {
		return "avx512bf16"
	}
	return "generic"
}

// Declared here, written in gemm_bf16_amd64.s.

//go:noescape
func gemmBF16DP1(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP2(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP3(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP4(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP5(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP6(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP7(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP8(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP9(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP10(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP11(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP12(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP13(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP14(a *uint32, b *uint16, c *float32, kp, ldc int, mask uint64, load int)
