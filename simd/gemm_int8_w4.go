package simd

import (
	"fmt"
	"math"
	"unsafe"
)

// W4A8 GEMM micro-kernels: C = A·Bᵀ with int8 activations (one scale per
// row of A) and int4 weights with one scale per group of G consecutive
// inputs of a row, in the style of ggml's q4_0. Each group's products are
// summed in int32, converted to float32 and scaled by the group's weight
// scale; the row of A's scale is applied at the end:
//
//	for r < rows, j < 16·np:
//		var f float32
//		for g := range K/G {
//			var s int32
//			for k in group g { s += int32(A[r][k]) * int32(Q[j][k]) }
//			f += float32(s) * S[j][g] // product rounded, then the sum
//		}
//		c[r*ldc+j] = f * sa[r]
//
// Weights are stored as unsigned nibbles u = q+8 (u in [0,15], q in
// [-8,7]). Kernels multiply u (unsigned operand) by the activation codes
// (signed) and remove the offset with corr = -8·Σ_{k in g} A[r][k], which
// PackA computes per row and group. Groups are padded to Gp = G rounded up
// to a multiple of 8 with zero codes.
//
// Packed B panel: 16 columns. For each group: Gp/8 vectors of 64 bytes, in
// which byte 4j+t of vector v holds u(j, gG+4v+t) in its low nibble and
// u(j, gG+Gp/2+4v+t) in its high nibble (so one AND gives k-quad v of the
// group and a shift gives k-quad v+Gp/8), then the group's 16 float32
// scales (zero for padding columns).
//
// A block: MR rows; per group Gp/4 k-quads, row r of quad q at
// 4·MR·q+4r, as in the int8 block.

// S4Panels returns how many packed panels hold n columns.
func S4Panels(n int) int { return (n + 15) / 16 }

// s4Pad returns the padded group size.
func s4Pad(group int) int { return (group + 7) &^ 7 }

// S4PanelLen returns the length in bytes of one packed int4 panel.
func S4PanelLen(k, group int) int { return k / group * (8*s4Pad(group) + 64) }

// PackS4B packs n rows of int4 weights — packed[j*k/2 + i/2] holds
// u(j,i) = q+8 in its low nibble for even i and high nibble for odd i —
// and their group scales (scales[j*(k/group)+g]) into S4Panels(n) panels.
// k must be a multiple of group and group even.
func PackS4B(dst []byte, packed []byte, scales []float32, n, k, group int) {
	if group <= 0 || group%2 != 0 || k%group != 0 {
		panic(fmt.Sprintf("simd: PackS4B: bad group %d for k %d", group, k))
	}
	ng, gp, plen := k/group, s4Pad(group), S4PanelLen(k, group)
	if len(dst) < S4Panels(n)*plen || len(packed) < n*k/2 || len(scales) < n*ng {
		panic("simd: PackS4B: slices too short")
	}
	dst = dst[:S4Panels(n)*plen]
	for i := range dst {
		dst[i] = 0x88 // q = 0 in both nibbles
	}
	gbytes := 8*gp + 64
	for j := 0; j < n; j++ {
		p := dst[(j/16)*plen:]
		row := packed[j*k/2 : (j+1)*k/2]
		jc := j % 16
		for g := 0; g < ng; g++ {
			pg := p[g*gbytes:]
			for i := 0; i < group; i++ {
				u := row[(g*group+i)/2] >> (4 * ((g*group + i) % 2)) & 15
				hi := i >= gp/2
				ii := i
				if hi {
					ii -= gp / 2
				}
				at := 64*(ii/4) + 4*jc + ii%4
				if hi {
					pg[at] = pg[at]&0x0f | u<<4
				} else {
					pg[at] = pg[at]&0xf0 | u
				}
			}
			s := math.Float32bits(scales[j*ng+g])
			o := 8*gp + 4*jc
			pg[o], pg[o+1], pg[o+2], pg[o+3] = byte(s), byte(s>>8), byte(s>>16), byte(s>>24)
		}
	}
	// padding columns keep scale 0 (bytes set below)
	for j := n; j < S4Panels(n)*16; j++ {
		p := dst[(j/16)*plen:]
		for g := 0; g < ng; g++ {
			o := g*gbytes + 8*gp + 4*(j%16)
			p[o], p[o+1], p[o+2], p[o+3] = 0, 0, 0, 0
		}
	}
}

// GemmS4 is the W4A8 micro-kernel chosen for a CPU feature set, with the A
// layout it reads (see GemmS8 for the conventions).
type GemmS4 struct {
	kind s8Kind
	mr   int
}

// NewGemmS4 returns the fastest W4A8 micro-kernel for CPU.
func NewGemmS4() GemmS4 { return newGemmS4(CPU) }

// MR is the number of rows in an A block.
func (g GemmS4) MR() int { return g.mr }

// Name names the kernel like GemmS8.Name.
func (g GemmS4) Name() string { return GemmS8{kind: g.kind}.Name() }

// ABlockLen returns the length in bytes of an A block.
func (g GemmS4) ABlockLen(k, group int) int { return k / group * s4Pad(group) * g.mr }

// CorrLen returns the length of the bias terms of an A block.
func (g GemmS4) CorrLen(k, group int) int { return k / group * g.mr }

// PackA quantizes rows (≤ MR) rows of x (row r at x[r*ldx:r*ldx+k]) per
// row with QuantizeS8 into the A block blk, the scales into sa[:rows] and
// the per-group bias terms into corr (CorrLen values). Padding rows get
// zero codes and bias.
func (g GemmS4) PackA(blk []int8, sa []float32, corr []int32, x []float32, ldx, rows, k, group int) {
	mr := g.mr
	if group <= 0 || group%2 != 0 || k%group != 0 || rows < 0 || rows > mr ||
		len(blk) < g.ABlockLen(k, group) || len(corr) < g.CorrLen(k, group) || len(sa) < rows ||
		(rows > 0 && len(x) < (rows-1)*ldx+k) {
		panic("simd: GemmS4.PackA: bad sizes")
	}
	ng, gp := k/group, s4Pad(group)
	blk, corr = blk[:g.ABlockLen(k, group)], corr[:g.CorrLen(k, group)]
	if rows < mr || gp != group {
		clear(blk)
	}
	clear(corr)
	rp := rowPool.Get().(*[]int8)
	if cap(*rp) < k {
		*rp = make([]int8, k)
	}
	row := (*rp)[:k]
	for r := 0; r < rows; r++ {
		xr := x[r*ldx : r*ldx+k]
		amax := absMaxF32(xr)
		scale, inv := float32(0), float32(0)
		if amax > 0 {
			scale, inv = amax/127, 127/amax
		}
		sa[r] = scale
		if gp == group && scale != 0 && !math.IsInf(float64(inv), 0) &&
			quantPackRow(blk, corr, r, mr, xr, inv, group) {
			for gi := 0; gi < ng; gi++ {
				corr[gi*mr+r] *= -8
			}
			continue
		}
		for gi := 0; gi < ng; gi++ {
			seg, xs := row[gi*group:(gi+1)*group], xr[gi*group:(gi+1)*group]
			var sum int32
			switch {
			case scale == 0:
				clear(seg)
			case math.IsInf(float64(inv), 0):
				sum = quantizeS8Tiny(seg, xs, amax)
			default:
				sum = quantizeS8(seg, xs, inv)
			}
			corr[gi*mr+r] = -8 * sum
		}
		if gp == group { // k-quads are contiguous: move 4 bytes at a time
			// blk holds ABlockLen bytes (checked above): quad q of row r
			// lies at 4·(MR·q + r) < 4·MR·k/4.
			dst, src := unsafe.Pointer(&blk[4*r]), unsafe.Pointer(&row[0])
			for q := 0; q < k/4; q++ {
				*(*uint32)(unsafe.Add(dst, 4*mr*q)) = *(*uint32)(unsafe.Add(src, 4*q))
			}
			continue
		}
		for gi := 0; gi < ng; gi++ {
			for i := 0; i < group; i++ {
				p := gi*gp + i
				blk[4*(mr*(p/4)+r)+p%4] = row[gi*group+i]
			}
		}
	}
	rowPool.Put(rp)
}

// Block computes c[r*ldc+j] for r < rows (≤ MR) and j < 16·np as in the
// reference above, from an A block (PackA) and np panels starting at b
// (PackS4B with the same k and group). All 16·np columns are written.
func (g GemmS4) Block(rows, np, k, group int, blk []int8, sa []float32, corr []int32, b []byte, c []float32, ldc int) {
	if group <= 0 || group%2 != 0 || k%group != 0 || rows < 0 || rows > g.mr || np < 0 ||
		len(blk) < g.ABlockLen(k, group) || len(corr) < g.CorrLen(k, group) || len(sa) < rows ||
		len(b) < np*S4PanelLen(k, group) || ldc < 16*np ||
		(rows > 0 && len(c) < (rows-1)*ldc+16*np) {
		panic("simd: GemmS4.Block: bad sizes")
	}
	if rows == 0 || np == 0 {
		return
	}
	if k == 0 { // empty sums: 0·sa, as the reference
		for r := 0; r < rows; r++ {
			z := float32(0) * sa[r]
			for j := range c[r*ldc : r*ldc+16*np] {
				c[r*ldc+j] = z
			}
		}
		return
	}
	g.block(rows, np, k/group, s4Pad(group), blk, sa, corr, b, c, ldc)
}
