//go:build !purego && !noasm

package simd

// VNNI W4A8 kernels: R rows × 16 columns (one panel), A blocks of 12 rows.
// a points at row r0 of the block, corr at the block's bias terms for row
// r0, b at the panel; ng groups of nv packed vectors; hioff = 48·nv is the
// distance from a group's low k-quads to its high ones; sa at row r0's
// scale.

//go:noescape
func gemmS4VNNI12(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)

//go:noescape
func gemmS4VNNI8(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)

//go:noescape
func gemmS4VNNI4(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)

//go:noescape
func gemmS4VNNI2(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)

//go:noescape
func gemmS4VNNI1(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)

func newGemmS4(f Features) GemmS4 {
	if f.AVX512VNNI {
		return GemmS4{kind: s8VNNI, mr: 12}
	}
	return GemmS4{kind: s8Generic, mr: 4}
}

func (g GemmS4) block(rows, np, ng, gp int, blk []int8, sa []float32, corr []int32, b []byte, c []float32, ldc int) {
	if g.kind != s8VNNI {
		gemmS4BlockGeneric(g.mr, rows, np, ng, gp, blk, sa, corr, b, c, ldc)
		return
	}
	nv := gp / 8
	plen := ng * (8*gp + 64)
	for p := 0; p < np; p++ {
		bp := &b[p*plen]
		for r := 0; r < rows; {
			a, cr, out, s := &blk[4*r], &corr[r], &c[r*ldc+16*p], &sa[r]
			switch n := rows - r; {
			case n >= 12:
				gemmS4VNNI12(a, cr, bp, ng, nv, 48*nv, out, ldc, s)
				r += 12
			case n >= 8:
				gemmS4VNNI8(a, cr, bp, ng, nv, 48*nv, out, ldc, s)
				r += 8
			case n >= 4:
				gemmS4VNNI4(a, cr, bp, ng, nv, 48*nv, out, ldc, s)
				r += 4
			case n >= 2:
				gemmS4VNNI2(a, cr, bp, ng, nv, 48*nv, out, ldc, s)
				r += 2
			default:
				gemmS4VNNI1(a, cr, bp, ng, nv, 48*nv, out, ldc, s)
				r++
			}
		}
	}
}
