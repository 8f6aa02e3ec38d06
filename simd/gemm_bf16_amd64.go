//go:build !purego && !noasm

package simd

import "unsafe"

//go:generate go run gemm_bf16_gen.go

type dpKernel func(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

// gemmBF16DP[m-1] is the AVX512_BF16 kernel for m rows and one panel,
// gemmBF16DPW[m-1] for m rows and four panels (gemm_bf16_amd64.s). mask
// has bit j set for each column j of the last panel to store; load != 0
// starts from C.
var (
	gemmBF16DP = [GemmBF16MR]dpKernel{
		gemmBF16DP1, gemmBF16DP2, gemmBF16DP3, gemmBF16DP4, gemmBF16DP5, gemmBF16DP6, gemmBF16DP7,
		gemmBF16DP8, gemmBF16DP9, gemmBF16DP10, gemmBF16DP11, gemmBF16DP12, gemmBF16DP13, gemmBF16DP14,
	}
	gemmBF16DPW = [...]dpKernel{gemmBF16DPW1, gemmBF16DPW2}
)

// gemmBF16FMA[m-1] is the AVX2 + FMA kernel for m rows and 16 columns.
var gemmBF16FMA = [...]func(a *uint32, b *uint16, c *float32, kp, astride, ldc int, mask *int32, load int){
	gemmBF16FMA1, gemmBF16FMA2, gemmBF16FMA3, gemmBF16FMA4,
}

// fmaMasks[16-n:] starts with n entries of -1: the store mask for n of 16
// columns.
var fmaMasks = [32]int32{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}

func gemmBF16Kernel(m, n, kp int, a []uint32, b []uint16, ldb int, c []float32, ldc int, load bool) {
	if !CPU.AVX512BF16 && !(CPU.FMA && (CPU.Level == AVX2 || CPU.Level == AVX512)) {
		gemmBF16KernelGeneric(m, n, kp, a, b, ldb, c, ldc, load)
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
	const nr = GemmBF16NR
	bp := unsafe.Pointer(unsafe.SliceData(b))
	if !CPU.AVX512BF16 {
		// Half panels of 16 columns, four rows at a time.
		for j0 := 0; j0 < n; j0 += 16 {
			pb := (*uint16)(unsafe.Add(bp, 2*((j0/nr)*ldb+j0%nr*2)))
			cols := min(16, n-j0)
			for r0 := 0; r0 < m; r0 += 4 {
				rows := min(4, m-r0)
				var pa *uint32
				if kp > 0 {
					pa = &a[r0]
				}
				gemmBF16FMA[rows-1](pa, pb, &c[r0*ldc+j0], kp, m, ldc, &fmaMasks[16-cols], l)
			}
		}
		return
	}
	for j0 := 0; j0 < n; {
		pb := (*uint16)(unsafe.Add(bp, 2*(j0/nr)*ldb))
		// Few rows: four panels at a time while more than three remain.
		if m <= len(gemmBF16DPW) && n-j0 > 3*nr {
			cols := min(4*nr, n-j0)
			gemmBF16DPW[m-1](ap, pb, &c[j0], kp, ldb, ldc, 1<<(cols-3*nr)-1, l)
			j0 += cols
			continue
		}
		cols := min(nr, n-j0)
		gemmBF16DP[m-1](ap, pb, &c[j0], kp, ldb, ldc, 1<<cols-1, l)
		j0 += cols
	}
}

func gemmBF16KernelName() string {
	switch {
	case CPU.AVX512BF16:
		return "avx512bf16"
	case CPU.FMA && (CPU.Level == AVX2 || CPU.Level == AVX512):
		return "avx2-fma"
	}
	return "generic"
}

// Declared here, written in gemm_bf16_amd64.s.

//go:noescape
func gemmBF16DP1(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP2(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP3(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP4(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP5(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP6(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP7(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP8(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP9(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP10(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP11(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP12(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP13(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DP14(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DPW1(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16DPW2(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)

//go:noescape
func gemmBF16FMA1(a *uint32, b *uint16, c *float32, kp, astride, ldc int, mask *int32, load int)

//go:noescape
func gemmBF16FMA2(a *uint32, b *uint16, c *float32, kp, astride, ldc int, mask *int32, load int)

//go:noescape
func gemmBF16FMA3(a *uint32, b *uint16, c *float32, kp, astride, ldc int, mask *int32, load int)

//go:noescape
func gemmBF16FMA4(a *uint32, b *uint16, c *float32, kp, astride, ldc int, mask *int32, load int)
