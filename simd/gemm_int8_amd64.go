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

// AVX2 kernels (gemm_int8_avx2_amd64.s, from gemm_int8_avx2_gen.go): A
// blocks of 6 rows of int16 codes (48 bytes a k-quad), a at the first row
// to compute. gemmS8AVX2x<r> takes r rows × 8 columns of a PackS8B panel
// (b at byte 0 or 32 of its first k-quad); gemmS8AVX2Wx<r> and
// gemmS8AVX2WFx<r> take r rows × nh consecutive half panels widened by
// prepS8BWideAVX2, and write int32 sums or c = float32(acc)·sb[j]·sa[i];
// gemmS8AVX2PFx<r> is gemmS8AVX2WFx<r> for one PackS8B half panel that
// writes its widened copy as it goes.
// They are called through switches: a call through a func value would
// make every argument escape.

//go:generate go run gemm_int8_avx2_gen.go

//go:noescape
func gemmS8AVX2x1(a *int8, b *int8, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2x2(a *int8, b *int8, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2x3(a *int8, b *int8, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2x4(a *int8, b *int8, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2x5(a *int8, b *int8, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2x6(a *int8, b *int8, kq int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2Wx1(a *int8, b *int8, kq, nh int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2Wx2(a *int8, b *int8, kq, nh int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2Wx3(a *int8, b *int8, kq, nh int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2Wx4(a *int8, b *int8, kq, nh int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2Wx5(a *int8, b *int8, kq, nh int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2Wx6(a *int8, b *int8, kq, nh int, acc *int32, ldacc int)

//go:noescape
func gemmS8AVX2WFx1(a *int8, b *int8, kq, nh int, c *float32, ldc int, sa *float32, sb *float32)

//go:noescape
func gemmS8AVX2WFx2(a *int8, b *int8, kq, nh int, c *float32, ldc int, sa *float32, sb *float32)

//go:noescape
func gemmS8AVX2WFx3(a *int8, b *int8, kq, nh int, c *float32, ldc int, sa *float32, sb *float32)

//go:noescape
func gemmS8AVX2WFx4(a *int8, b *int8, kq, nh int, c *float32, ldc int, sa *float32, sb *float32)

//go:noescape
func gemmS8AVX2WFx5(a *int8, b *int8, kq, nh int, c *float32, ldc int, sa *float32, sb *float32)

//go:noescape
func gemmS8AVX2WFx6(a *int8, b *int8, kq, nh int, c *float32, ldc int, sa *float32, sb *float32)

//go:noescape
func gemmS8AVX2PFx1(a *int8, b *int8, kq int, w *int8, c *float32, ldc int, sa *float32, sb *float32)

//go:noescape
func gemmS8AVX2PFx2(a *int8, b *int8, kq int, w *int8, c *float32, ldc int, sa *float32, sb *float32)

//go:noescape
func gemmS8AVX2PFx3(a *int8, b *int8, kq int, w *int8, c *float32, ldc int, sa *float32, sb *float32)

//go:noescape
func gemmS8AVX2PFx4(a *int8, b *int8, kq int, w *int8, c *float32, ldc int, sa *float32, sb *float32)

//go:noescape
func gemmS8AVX2PFx5(a *int8, b *int8, kq int, w *int8, c *float32, ldc int, sa *float32, sb *float32)

//go:noescape
func gemmS8AVX2PFx6(a *int8, b *int8, kq int, w *int8, c *float32, ldc int, sa *float32, sb *float32)

//go:noescape
func prepS8BWideAVX2(dst *int8, src *int8, kq, np int)

//go:noescape
func interleaveS16AVX2(dst *int8, codes *int8, rows, groups, kq, stride int)

//go:noescape
func interleave6S16AVX2(dst *int8, codes *int8, groups, kq int)

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
	case s8AVX2: // rows ≤ MR = 6
		for h := 0; h < 2*np; h++ { // half panels of 8 columns
			a, bp, out := &blk[0], &b[(h/2)*plen+32*(h%2)], &acc[8*h]
			switch rows {
			case 1:
				gemmS8AVX2x1(a, bp, kq, out, ldacc)
			case 2:
				gemmS8AVX2x2(a, bp, kq, out, ldacc)
			case 3:
				gemmS8AVX2x3(a, bp, kq, out, ldacc)
			case 4:
				gemmS8AVX2x4(a, bp, kq, out, ldacc)
			case 5:
				gemmS8AVX2x5(a, bp, kq, out, ldacc)
			default:
				gemmS8AVX2x6(a, bp, kq, out, ldacc)
			}
		}
	case s8AVX2W:
		a, bp, out, nh := &blk[0], &b[0], &acc[0], 2*np
		switch rows {
		case 1:
			gemmS8AVX2Wx1(a, bp, kq, nh, out, ldacc)
		case 2:
			gemmS8AVX2Wx2(a, bp, kq, nh, out, ldacc)
		case 3:
			gemmS8AVX2Wx3(a, bp, kq, nh, out, ldacc)
		case 4:
			gemmS8AVX2Wx4(a, bp, kq, nh, out, ldacc)
		case 5:
			gemmS8AVX2Wx5(a, bp, kq, nh, out, ldacc)
		default:
			gemmS8AVX2Wx6(a, bp, kq, nh, out, ldacc)
		}
	default:
		gemmS8BlockGeneric(g.mr, rows, np, kq, blk, b, acc, ldacc)
	}
}

// blockF32 runs the kernels that end in the float32 epilogue themselves
// and reports whether g has one.
func (g GemmS8) blockF32(rows, np, kq int, blk []int8, sa []float32, b []int8, sb []float32, c []float32, ldc int) bool {
	if g.kind != s8AVX2W {
		return false
	}
	a, bp, out, nh, ps, pb := &blk[0], &b[0], &c[0], 2*np, &sa[0], &sb[0]
	switch rows { // rows ≤ MR = 6
	case 1:
		gemmS8AVX2WFx1(a, bp, kq, nh, out, ldc, ps, pb)
	case 2:
		gemmS8AVX2WFx2(a, bp, kq, nh, out, ldc, ps, pb)
	case 3:
		gemmS8AVX2WFx3(a, bp, kq, nh, out, ldc, ps, pb)
	case 4:
		gemmS8AVX2WFx4(a, bp, kq, nh, out, ldc, ps, pb)
	case 5:
		gemmS8AVX2WFx5(a, bp, kq, nh, out, ldc, ps, pb)
	default:
		gemmS8AVX2WFx6(a, bp, kq, nh, out, ldc, ps, pb)
	}
	return true
}

// blockF32Prep is blockF32 on np PackS8B panels that leaves them widened
// in dst (s8AVX2W only).
func (g GemmS8) blockF32Prep(rows, np, kq int, blk []int8, sa []float32, b []int8, sb []float32, c []float32, ldc int, dst []int8) {
	plen := 64 * kq
	for h := 0; h < 2*np; h++ { // half panels of 8 columns
		a, bp, w, out, ps, pb := &blk[0], &b[(h/2)*plen+32*(h%2)], &dst[h*plen], &c[8*h], &sa[0], &sb[8*h]
		switch rows { // rows ≤ MR = 6
		case 1:
			gemmS8AVX2PFx1(a, bp, kq, w, out, ldc, ps, pb)
		case 2:
			gemmS8AVX2PFx2(a, bp, kq, w, out, ldc, ps, pb)
		case 3:
			gemmS8AVX2PFx3(a, bp, kq, w, out, ldc, ps, pb)
		case 4:
			gemmS8AVX2PFx4(a, bp, kq, w, out, ldc, ps, pb)
		case 5:
			gemmS8AVX2PFx5(a, bp, kq, w, out, ldc, ps, pb)
		default:
			gemmS8AVX2PFx6(a, bp, kq, w, out, ldc, ps, pb)
		}
	}
}

// interleaveS16 writes the first 4·(kq/4) k-quads of rows rows of
// codes into an int16 A block (the rest is left to the Go loop) and
// returns how many it wrote.
func (g GemmS8) interleaveS16(blk []int8, codes []int8, rows, kq int) int {
	if rows == 0 || kq < 4 {
		return 0
	}
	_ = blk[8*g.mr*(kq&^3)-1]
	_ = codes[4*kq*rows-1]
	if rows == 6 && g.mr == 6 {
		interleave6S16AVX2(&blk[0], &codes[0], kq/4, kq)
	} else {
		interleaveS16AVX2(&blk[0], &codes[0], rows, kq/4, kq, 8*g.mr)
	}
	return kq &^ 3
}

// prepB widens np PackS8B panels into dst (s8AVX2W only).
func (g GemmS8) prepB(dst, b []int8, np, kq int) {
	prepS8BWideAVX2(&dst[0], &b[0], kq, np)
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
