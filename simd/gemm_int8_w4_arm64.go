//go:build !purego && !noasm

package simd

// gemmS4SDOT4 adds, for 4 rows × 16 columns of one panel, the scaled
// group sums to tile (row-major 4×16 float32, zeroed by the caller); the
// A block has 4 rows (16 bytes a k-quad, hioff = 16·nv); ng > 0.
//
//go:noescape
func gemmS4SDOT4(a *int8, corr *int32, b *byte, ng, nv, hioff int, tile *float32)

func newGemmS4(f Features) GemmS4 {
	if f.ASIMDDP {
		return GemmS4{kind: s8SDOT, mr: 4}
	}
	return GemmS4{kind: s8Generic, mr: 4}
}

func (g GemmS4) block(rows, np, ng, gp int, blk []int8, sa []float32, corr []int32, b []byte, c []float32, ldc int) {
	if g.kind != s8SDOT {
		gemmS4BlockGeneric(g.mr, rows, np, ng, gp, blk, sa, corr, b, c, ldc)
		return
	}
	nv := gp / 8
	plen := ng * (8*gp + 64)
	for p := 0; p < np; p++ {
		var t [4 * 16]float32
		gemmS4SDOT4(&blk[0], &corr[0], &b[p*plen], ng, nv, 16*nv, &t[0])
		for r := 0; r < rows; r++ {
			out := c[r*ldc+16*p : r*ldc+16*p+16]
			for j := range out {
				out[j] = t[16*r+j] * sa[r]
			}
		}
	}
}
