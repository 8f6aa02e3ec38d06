//go:build !purego && !noasm

package simd

// gemmS8SDOT4 computes a 4-row × 16-column int32 tile from an A block of 4
// rows (16 bytes a k-quad) and one panel; kq > 0.
//
//go:noescape
func gemmS8SDOT4(a *int8, b *int8, kq int, acc *int32, ldacc int)

func newGemmS8(f Features) GemmS8 {
	if f.ASIMDDP {
		return GemmS8{kind: s8SDOT, mr: 4}
	}
	return GemmS8{kind: s8Generic, mr: 4}
}

func (g GemmS8) block(rows, np, kq int, blk []int8, corr []int32, b []int8, acc []int32, ldacc int) {
	if g.kind != s8SDOT {
		gemmS8BlockGeneric(g.mr, rows, np, kq, blk, b, acc, ldacc)
		return
	}
	plen := 64 * kq
	for p := 0; p < np; p++ {
		if rows == 4 {
			gemmS8SDOT4(&blk[0], &b[p*plen], kq, &acc[16*p], ldacc)
			continue
		}
		// The kernel always writes four rows; the block's padding rows
		// are zero, so compute into scratch and keep the first rows.
		var t [4 * 16]int32
		gemmS8SDOT4(&blk[0], &b[p*plen], kq, &t[0], 16)
		for r := 0; r < rows; r++ {
			copy(acc[r*ldacc+16*p:r*ldacc+16*p+16], t[16*r:16*r+16])
		}
	}
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
