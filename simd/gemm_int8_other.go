//go:build purego || noasm || !(amd64 || arm64)

package simd

func newGemmS8(Features) GemmS8 { return GemmS8{kind: s8Generic, mr: 4} }

func (g GemmS8) block(rows, np, kq int, blk []int8, corr []int32, b []int8, acc []int32, ldacc int) {
	gemmS8BlockGeneric(g.mr, rows, np, kq, blk, b, acc, ldacc)
}

// blockF32: no kernel here ends in the float32 epilogue itself.
func (g GemmS8) blockF32(rows, np, kq int, blk []int8, sa []float32, b []int8, sb []float32, c []float32, ldc int) bool {
	return false
}

// interleaveS16: no int16 A blocks here.
func (g GemmS8) interleaveS16(blk []int8, codes []int8, rows, kq int) int { return 0 }

// blockF32Prep: no prepared layout here.
func (g GemmS8) blockF32Prep(rows, np, kq int, blk []int8, sa []float32, b []int8, sb []float32, c []float32, ldc int, dst []int8) {
	panic("simd: GemmS8.blockF32Prep: no prepared layout")
}

// prepB: every kernel here reads PackS8B panels as they are.
func (g GemmS8) prepB(dst, b []int8, np, kq int) { panic("simd: GemmS8.prepB: no prepared layout") }

func dequantS32Row(c []float32, acc []int32, sa float32, sb []float32) {
	dequantS32RowGeneric(c, acc, sa, sb)
}
