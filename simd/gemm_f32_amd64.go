//go:build !purego && !noasm

package simd

var (
	gemmF32AVX512 = &F32Kernel{Name: "avx512-14x32", Level: AVX512, MR: 14, NR: 32, fn: gemmF32AVX512Tile,
		narrow: []*F32Kernel{
			{Name: "avx512-1x32", Level: AVX512, MR: 1, NR: 32, fn: asmTile(gemmF32AVX512_1x32)},
			{Name: "avx512-2x32", Level: AVX512, MR: 2, NR: 32, fn: asmTile(gemmF32AVX512_2x32)},
			{Name: "avx512-3x32", Level: AVX512, MR: 3, NR: 32, fn: asmTile(gemmF32AVX512_3x32)},
			{Name: "avx512-4x32", Level: AVX512, MR: 4, NR: 32, fn: asmTile(gemmF32AVX512_4x32)},
		}}
	gemmF32AVX2 = &F32Kernel{Name: "avx2-6x16", Level: AVX2, MR: 6, NR: 16, fn: gemmF32AVX2Tile}
)

// asmTile adapts an assembly kernel to the slice signature of F32Kernel.
func asmTile(f func(k int, a, b, c *float32, ldc int, accumulate bool)) func(k int, a, b, c []float32, ldc int, accumulate bool) {
	return func(k int, a, b, c []float32, ldc int, accumulate bool) {
		f(k, panelPtr(a, k), panelPtr(b, k), &c[0], ldc, accumulate)
	}
}

func gemmF32KernelFor(l Level) *F32Kernel {
	switch {
	case l >= AVX512 && detected.Level >= AVX512:
		return gemmF32AVX512
	case l >= AVX2 && detected.Level >= AVX2:
		return gemmF32AVX2
	}
	return gemmF32GenericKernel
}

func gemmF32AVX512Tile(k int, a, b, c []float32, ldc int, accumulate bool) {
	gemmF32AVX512_14x32(k, panelPtr(a, k), panelPtr(b, k), &c[0], ldc, accumulate)
}

func gemmF32AVX2Tile(k int, a, b, c []float32, ldc int, accumulate bool) {
	gemmF32AVX2_6x16(k, panelPtr(a, k), panelPtr(b, k), &c[0], ldc, accumulate)
}

// gemmF32AVX512_14x32 computes a 14×32 tile with 28 zmm accumulators and
// embedded-broadcast FMA (VFMADD231PS.BCST). k may be 0.
//
//go:noescape
func gemmF32AVX512_14x32(k int, a, b, c *float32, ldc int, accumulate bool)

// gemmF32AVX2_6x16 computes a 6×16 tile with 12 ymm accumulators,
// VBROADCASTSS and VFMADD231PS. k may be 0.
//
//go:noescape
func gemmF32AVX2_6x16(k int, a, b, c *float32, ldc int, accumulate bool)

// gemmF32AVX512_1x32 .. _4x32 are the narrow forms of the 14×32 kernel,
// for 1 to 4 rows of A.
//
//go:noescape
func gemmF32AVX512_1x32(k int, a, b, c *float32, ldc int, accumulate bool)

//go:noescape
func gemmF32AVX512_2x32(k int, a, b, c *float32, ldc int, accumulate bool)

//go:noescape
func gemmF32AVX512_3x32(k int, a, b, c *float32, ldc int, accumulate bool)

//go:noescape
func gemmF32AVX512_4x32(k int, a, b, c *float32, ldc int, accumulate bool)
