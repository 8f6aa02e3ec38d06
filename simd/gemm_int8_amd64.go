//go:build !purego && !noasm

package simd

// VNNI kernels: R rows × 2 panels (32 columns), A blocks of 12 rows.
// a points at row r0 of the block (stride 48 bytes a k-quad), corr at
// corr[r0], b at the first panel, plen is the panel length in bytes, acc
// and ldacc (elements) the int32 output.

//go:noescape
func gemmS8VNNI12(a *int8, corr *int32, b *int8, plen, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8VNNI8(a *int8, corr *int32, b *int8, plen, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8VNNI4(a *int8, corr *int32, b *int8, plen, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8VNNI2(a *int8, corr *int32, b *int8, plen, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8VNNI1(a *int8, corr *int32, b *int8, plen, kq int, acc *int32, ldacc int)

// AVX2 kernels: R rows × 8 columns (half a panel: b points at byte 0 or
// 32 of its first k-quad), A blocks of 6 rows of int16 codes (stride 48
// bytes a k-quad).

//go:noescape
func gemmS8AVX2x6(a *int8, b *int8, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2x4(a *int8, b *int8, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2x2(a *int8, b *int8, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2x1(a *int8, b *int8, kq int, acc *int32, ldacc int)

//go:noescape
func dequantS32AVX512(c *float32, acc *int32, n int, sa float32, sb *float32)

//go:noescape
func dequantS32AVX2(c *float32, acc *int32, n int, sa float32, sb *float32)

func newGemmS8(f Features) GemmS8 {
	switch {
	case f.AVX512VNNI:
		return GemmS8{kind: s8VNNI, mr: 12}
	case f.Level >= AVX2:
		return GemmS8{kind: s8AVX2, mr: 6}
	}
	return GemmS8{kind: s8Generic, mr: 4}
}

func (g GemmS8) block(rows, np, kq int, blk []int8, corr []int32, b []int8, acc []int32, ldacc int) {
	plen := 64 * kq
	switch g.kind {
	case s8VNNI:
		for p := 0; p < np; p += 2 {
			bp, cp := &b[p*plen], acc[16*p:]
			for r := 0; r < rows; {
				a, cr, out := &blk[4*r], &corr[r], &cp[r*ldacc]
				switch n := rows - r; {
				case n >= 12:
					gemmS8VNNI12(a, cr, bp, plen, kq, out, ldacc)
					r += 12
				case n >= 8:
					gemmS8VNNI8(a, cr, bp, plen, kq, out, ldacc)
					r += 8
				case n >= 4:
					gemmS8VNNI4(a, cr, bp, plen, kq, out, ldacc)
					r += 4
				case n >= 2:
					gemmS8VNNI2(a, cr, bp, plen, kq, out, ldacc)
					r += 2
				default:
					gemmS8VNNI1(a, cr, bp, plen, kq, out, ldacc)
					r++
				}
			}
		}
	case s8AVX2:
		for h := 0; h < 2*np; h++ { // half panels of 8 columns
			bp, cp := &b[(h/2)*plen+32*(h%2)], acc[8*h:]
			for r := 0; r < rows; {
				a, out := &blk[8*r], &cp[r*ldacc]
				switch n := rows - r; {
				case n >= 6:
					gemmS8AVX2x6(a, bp, kq, out, ldacc)
					r += 6
				case n >= 4:
					gemmS8AVX2x4(a, bp, kq, out, ldacc)
					r += 4
				case n >= 2:
					gemmS8AVX2x2(a, bp, kq, out, ldacc)
					r += 2
				default:
					gemmS8AVX2x1(a, bp, kq, out, ldacc)
					r++
				}
			}
		}
	default:
		gemmS8BlockGeneric(g.mr, rows, np, kq, blk, b, acc, ldacc)
	}
}

func dequantS32Row(c []float32, acc []int32, sa float32, sb []float32) {
	n := len(c)
	switch {
	case CPU.Level >= AVX512 && n >= 16:
		k := n &^ 15
		dequantS32AVX512(&c[0], &acc[0], k, sa, &sb[0])
		c, acc, sb = c[k:], acc[k:], sb[k:]
	case CPU.Level >= AVX2 && n >= 8:
		k := n &^ 7
		dequantS32AVX2(&c[0], &acc[0], k, sa, &sb[0])
		c, acc, sb = c[k:], acc[k:], sb[k:]
	}
	dequantS32RowGeneric(c, acc, sa, sb)
}
