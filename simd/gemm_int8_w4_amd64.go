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

// AVX2 W4A8 kernels: R rows × 8 columns (b points at byte 0 or 32 of the
// panel), A blocks of 3 rows (12 bytes a k-quad, hioff = 12·nv).

//go:noescape
func gemmS4AVX2x3(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)

//go:noescape
func gemmS4AVX2x2(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)

//go:noescape
func gemmS4AVX2x1(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)

func newGemmS4(f Features) GemmS4 {
	switch {
	case f.AVX512VNNI:
		return GemmS4{kind: s8VNNI, mr: 12}
	case f.Level >= AVX2:
		return GemmS4{kind: s8AVX2, mr: 3}
	}
	return GemmS4{kind: s8Generic, mr: 4}
}

func (g GemmS4) block(rows, np, ng, gp int, blk []int8, sa []float32, corr []int32, b []byte, c []float32, ldc int) {
	nv := gp / 8
	plen := ng * (8*gp + 64)
	switch g.kind {
	case s8AVX2:
		for h := 0; h < 2*np; h++ {
			bp := &b[(h/2)*plen+32*(h%2)]
			for r := 0; r < rows; {
				a, cr, out, s := &blk[4*r], &corr[r], &c[r*ldc+8*h], &sa[r]
				switch n := rows - r; {
				case n >= 3:
					gemmS4AVX2x3(a, cr, bp, ng, nv, 12*nv, out, ldc, s)
					r += 3
				case n >= 2:
					gemmS4AVX2x2(a, cr, bp, ng, nv, 12*nv, out, ldc, s)
					r += 2
				default:
					gemmS4AVX2x1(a, cr, bp, ng, nv, 12*nv, out, ldc, s)
					r++
				}
			}
		}
		return
	case s8Generic:
		gemmS4BlockGeneric(g.mr, rows, np, ng, gp, blk, sa, corr, b, c, ldc)
		return
	}
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
