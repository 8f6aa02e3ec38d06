//go:build !purego && !noasm

package simd

import "unsafe"

// gemmBF16NEON[m-1] is the NEON kernel for m rows and 16 columns
// (gemm_bf16_arm64.s, written by gemm_bf16_gen.go).
var gemmBF16NEON = [...]func(a *uint32, b *uint16, c *float32, kp, astride, ldc int, load int){
	gemmBF16NEON1, gemmBF16NEON2, gemmBF16NEON3, gemmBF16NEON4,
}

func gemmBF16Kernel(m, n, kp int, a []uint32, b []uint16, ldb int, c []float32, ldc int, load bool) {
	if CPU.Level != NEON {
		gemmBF16KernelGeneric(m, n, kp, a, b, ldb, c, ldc, load)
		return
	}
	l := 0
	if load {
		l = 1
	}
	const nr = GemmBF16NR
	bp := unsafe.Pointer(unsafe.SliceData(b))
	// Half panels of 16 columns, four rows at a time; fewer than 16
	// columns go through a scratch tile (NEON has no masked store).
	for j0 := 0; j0 < n; j0 += 16 {
		pb := (*uint16)(unsafe.Add(bp, 2*((j0/nr)*ldb+j0%nr*2)))
		cols := min(16, n-j0)
		for r0 := 0; r0 < m; r0 += 4 {
			rows := min(4, m-r0)
			var pa *uint32
			if kp > 0 {
				pa = &a[r0]
			}
			if cols == 16 {
				gemmBF16NEON[rows-1](pa, pb, &c[r0*ldc+j0], kp, m, ldc, l)
				continue
			}
			var t [4 * 16]float32
			if load {
				for i := 0; i < rows; i++ {
					copy(t[i*16:i*16+cols], c[(r0+i)*ldc+j0:])
				}
			}
			gemmBF16NEON[rows-1](pa, pb, &t[0], kp, m, 16, l)
			for i := 0; i < rows; i++ {
				copy(c[(r0+i)*ldc+j0:(r0+i)*ldc+j0+cols], t[i*16:])
			}
		}
	}
}

func gemmBF16KernelName() string {
	if CPU.Level == NEON {
		return "neon"
	}
	return "generic"
}

// Declared here, written in gemm_bf16_arm64.s.

//go:noescape
func gemmBF16NEON1(a *uint32, b *uint16, c *float32, kp, astride, ldc int, load int)

//go:noescape
func gemmBF16NEON2(a *uint32, b *uint16, c *float32, kp, astride, ldc int, load int)

//go:noescape
func gemmBF16NEON3(a *uint32, b *uint16, c *float32, kp, astride, ldc int, load int)

//go:noescape
func gemmBF16NEON4(a *uint32, b *uint16, c *float32, kp, astride, ldc int, load int)
