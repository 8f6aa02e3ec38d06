package simd

import (
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// Int8 GEMM micro-kernels: C = A·Bᵀ with A (activations) and B (weights,
// one row per output column) quantized to int8, int32 accumulation, and a
// float32 epilogue that applies the per-row scales of A and B.
//
// Packed formats (K is padded with zeros to a multiple of 4; a "k-quad" is
// 4 consecutive inputs, the unit VPDPBUSD and SDOT sum):
//
//   - B panel: 16 columns × K. For k-quad q and column j,
//     panel[64q+4j+t] = B[j][4q+t]. A matrix is a run of panels, each
//     S8PanelLen(k) bytes, padded with zero columns to an even number of
//     panels (S8Panels) so kernels may work on panel pairs.
//   - A block: MR rows × K (MR depends on the kernel, see GemmS8.MR). For
//     k-quad q and row r, blk[4·MR·q+4r+t] = A[r][4q+t]. Rows past the
//     block's row count are zero. PackA makes codes in [-127, 127]; the
//     kernels are exact for -128 too. The AVX2 kernel reads the codes
//     widened to little-endian int16 (8 bytes a row and k-quad, at
//     8·MR·q+8r).
//   - Prepared B (PrepB): what a kernel reads instead of the PackS8B
//     panels, made once and used by every A block of a tile. Only the
//     AVX2 kernel for many rows (ForRows) has one: each panel split into
//     two half panels of 8 columns, one after the other, the codes
//     widened to int16; half h, k-quad q, column j (< 8), t: int16 at
//     byte 2·(32·(kq·h+q)+4j+t) = B[8h+j][4q+t].
//
// Reference for one block (GemmS8.Block):
//
//	for r := 0; r < rows; r++ {
//		for j := 0; j < 16*np; j++ {
//			var s int32
//			for k := range K {
//				s += int32(A[r][k]) * int32(B[j][k])
//			}
//			acc[r*ldacc+j] = s
//		}
//	}

// S8PanelCols is the number of B columns in a packed panel.
const S8PanelCols = 16

// S8PanelLen returns the length in bytes of one packed B panel for k inputs.
func S8PanelLen(k int) int { return 64 * ((k + 3) / 4) }

// S8Panels returns how many packed panels hold n columns (always even).
func S8Panels(n int) int { return 2 * ((n + 31) / 32) }

// PackS8B packs the n×k row-major matrix b (row stride ldb) into
// S8Panels(n) panels of S8PanelLen(k) bytes at the start of dst, padding
// K and N with zeros.
func PackS8B(dst []int8, b []int8, ldb, n, k int) {
	plen, np := S8PanelLen(k), S8Panels(n)
	if len(dst) < np*plen {
		panic(fmt.Sprintf("simd: PackS8B: dst has %d bytes, need %d", len(dst), np*plen))
	}
	if n > 0 && len(b) < (n-1)*ldb+k {
		panic("simd: PackS8B: b too short")
	}
	dst = dst[:np*plen]
	clear(dst)
	for j := 0; j < n; j++ {
		p := dst[(j/16)*plen:]
		row := b[j*ldb : j*ldb+k]
		o := 4 * (j % 16)
		for i, v := range row {
			p[64*(i/4)+o+i%4] = v
		}
	}
}

// s8Kind names an int8 micro-kernel.
type s8Kind uint8

const (
	s8Generic s8Kind = iota
	s8AVX2           // VPMADDWD on int16-widened codes, B widened as loaded
	s8AVX2W          // the same on B widened once by PrepB
	s8VNNI           // AVX-512 VPDPBUSD on zmm
	s8SDOT           // NEON SDOT by element
)

// GemmS8 is the int8 micro-kernel chosen for a CPU feature set, with the A
// layout it reads. A value made by NewGemmS8 keeps its kernel even if the
// SIMD level changes later, so pack and compute with the same value.
type GemmS8 struct {
	kind s8Kind
	mr   int
}

// NewGemmS8 returns the fastest int8 micro-kernel for CPU.
func NewGemmS8() GemmS8 { return newGemmS8(CPU) }

// MR is the number of rows in an A block.
func (g GemmS8) MR() int { return g.mr }

// Name names the kernel: "generic", "avx2", "avx512-vnni" or "neon-sdot".
func (g GemmS8) Name() string {
	switch g.kind {
	case s8AVX2, s8AVX2W:
		return "avx2"
	case s8VNNI:
		return "avx512-vnni"
	case s8SDOT:
		return "neon-sdot"
	}
	return "generic"
}

// ABlockLen returns the length in bytes of an A block for k inputs.
func (g GemmS8) ABlockLen(k int) int { return 4 * g.aBytes() * g.mr * ((k + 3) / 4) }

// aBytes is the size of one A code in the block.
func (g GemmS8) aBytes() int {
	if g.kind == s8AVX2 || g.kind == s8AVX2W {
		return 2
	}
	return 1
}

// ForRows returns the variant of g for a GEMM of m rows, with the same MR
// and A layout. The AVX2 kernel widens B to int16 as it loads it; with
// more than one A block to a tile it pays to widen B once (PrepB) and
// read it with a kernel that has no widening left in its loop.
func (g GemmS8) ForRows(m int) GemmS8 {
	if g.kind == s8AVX2 && m > g.mr {
		g.kind = s8AVX2W
	}
	return g
}

// PrepBLen returns the length of the scratch PrepB needs for np panels of
// k inputs: 0 when the kernel reads PackS8B panels as they are.
func (g GemmS8) PrepBLen(np, k int) int {
	if g.kind != s8AVX2W || np <= 0 {
		return 0
	}
	return 2*np*S8PanelLen(k) + 63 // int16 codes, aligned to 64 bytes in dst
}

// PrepB returns np panels of a packed B (PackS8B with the same k) in the
// layout the kernel reads, to pass to Block and BlockF32: b itself, or the
// start of dst (at least PrepBLen(np, k) bytes) holding the prepared copy.
func (g GemmS8) PrepB(dst, b []int8, np, k int) []int8 {
	n := g.PrepBLen(np, k)
	if n == 0 {
		return b
	}
	if len(dst) < n || len(b) < np*S8PanelLen(k) {
		panic("simd: GemmS8.PrepB: bad sizes")
	}
	dst = alignPrep(dst, n)
	if kq := (k + 3) / 4; kq > 0 {
		g.prepB(dst, b, np, kq)
	}
	return dst
}

// alignPrep returns the n-63 bytes of dst that start at a multiple of 64.
func alignPrep(dst []int8, n int) []int8 {
	off := int(-uintptr(unsafe.Pointer(unsafe.SliceData(dst))) & 63)
	return dst[off : off+n-63]
}

// bLen is the length of np panels of k-quads in the layout g reads.
func (g GemmS8) bLen(np, kq int) int {
	if g.kind == s8AVX2W {
		return 2 * 64 * np * kq
	}
	return 64 * np * kq
}

// rowPool holds scratch rows for PackA.
var rowPool = sync.Pool{New: func() any { return new([]int8) }}

// PackA quantizes rows (≤ MR) rows of x, row r at x[r*ldx : r*ldx+k], with
// QuantizeS8 and writes their codes into the A block blk, their scales to
// sa[:rows] and the kernel's bias terms to corr[:MR] (padding rows get zero
// codes, scale 0 and bias 0). corr is only read by the kernel; treat it as
// part of the block.
func (g GemmS8) PackA(blk []int8, sa []float32, corr []int32, x []float32, ldx, rows, k int) {
	mr, kq := g.mr, (k+3)/4
	if rows < 0 || rows > mr || len(blk) < g.ABlockLen(k) || len(sa) < rows || len(corr) < mr ||
		(rows > 0 && len(x) < (rows-1)*ldx+k) {
		panic("simd: GemmS8.PackA: bad sizes")
	}
	if g.aBytes() == 1 && k > 0 && quantPackFused(k) {
		g.packAFused(blk, sa, corr, x, ldx, rows, k)
		return
	}
	rp := rowPool.Get().(*[]int8)
	if cap(*rp) < rows*4*kq {
		*rp = make([]int8, rows*4*kq)
	}
	codes := (*rp)[:rows*4*kq]
	for r := 0; r < rows; r++ {
		row := codes[r*4*kq : (r+1)*4*kq]
		clear(row[k:])
		s, sum := quantizeS8Sum(row[:k], x[r*ldx:r*ldx+k])
		sa[r] = s
		corr[r] = -128 * sum // VNNI biases B by +128: Σ(b+128)·a - 128·Σa
	}
	clear(corr[rows:mr])
	g.interleave(blk, codes, rows, kq)
	rowPool.Put(rp)
}

// packAFused is PackA for byte blocks where quantPackFused(k) holds: each
// row is quantized straight into its place in the block in one pass. Rows
// the fused kernel does not take (zero, NaN or so small that 127/max
// overflows) go through quantizeS8Sum like PackA's other path.
func (g GemmS8) packAFused(blk []int8, sa []float32, corr []int32, x []float32, ldx, rows, k int) {
	mr := g.mr
	if rows < mr {
		clear(blk[:g.ABlockLen(k)])
	}
	clear(corr[rows:mr])
	for r := 0; r < rows; r++ {
		xr := x[r*ldx : r*ldx+k]
		if amax := absMaxF32(xr); amax > 0 && !math.IsInf(float64(127/amax), 0) {
			quantPackRow(blk, corr, r, mr, xr, 127/amax, k)
			sa[r] = amax / 127
			corr[r] *= -128
			continue
		}
		rp := rowPool.Get().(*[]int8)
		if cap(*rp) < k {
			*rp = make([]int8, k)
		}
		row := (*rp)[:k]
		s, sum := quantizeS8Sum(row, xr)
		sa[r], corr[r] = s, -128*sum
		for q := range k / 4 {
			*(*uint32)(unsafe.Pointer(&blk[4*(mr*q+r)])) = *(*uint32)(unsafe.Pointer(&row[4*q]))
		}
		rowPool.Put(rp)
	}
}

// packAS8 packs rows of already quantized codes (each in [-127, 127]) like
// PackA; tests use it to drive the kernels with chosen values.
func (g GemmS8) packAS8(blk []int8, corr []int32, a []int8, lda, rows, k int) {
	mr, kq := g.mr, (k+3)/4
	codes := make([]int8, rows*4*kq)
	for r := 0; r < rows; r++ {
		var sum int32
		for _, v := range a[r*lda : r*lda+k] {
			sum += int32(v)
		}
		copy(codes[r*4*kq:], a[r*lda:r*lda+k])
		corr[r] = -128 * sum
	}
	clear(corr[rows:mr])
	g.interleave(blk, codes, rows, kq)
}

// interleave writes rows rows of codes (row r at codes[4·kq·r:], zero
// padded to kq k-quads) into the A block, k-quad by k-quad, and zeros the
// padding rows.
func (g GemmS8) interleave(blk []int8, codes []int8, rows, kq int) {
	mr := g.mr
	if rows < mr {
		clear(blk[:g.ABlockLen(4*kq)])
	}
	if g.aBytes() == 1 { // 4 bytes a k-quad, stride 4·MR
		if kq == 0 || rows == 0 {
			return
		}
		_ = blk[4*mr*(kq-1)+4*rows-1]
		for r := range rows {
			row := codes[4*kq*r : 4*kq*(r+1)]
			for q := range kq {
				*(*uint32)(unsafe.Add(unsafe.Pointer(&blk[0]), 4*(mr*q+r))) = *(*uint32)(unsafe.Pointer(&row[4*q]))
			}
		}
		return
	}
	// 4 int16 a k-quad, stride 8·MR; the assembly writes the first q0
	for q := g.interleaveS16(blk, codes, rows, kq); q < kq; q++ {
		d := blk[8*mr*q:][:8*rows] // little-endian: only amd64 has int16 blocks
		for r := range rows {
			*(*uint64)(unsafe.Pointer(&d[8*r])) = widenS8x4(*(*uint32)(unsafe.Pointer(&codes[4*(kq*r+q)])))
		}
	}
}

// widenS8x4 sign-extends the four bytes of x to four int16 lanes.
func widenS8x4(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	return v | (v&0x0080008000800080)>>7*0xff00 // 0xff in the high byte of each negative lane
}

// Block computes the int32 tile acc[r*ldacc+j] = Σ_k A[r][k]·B[j][k] for
// r < rows (≤ MR) and j < 16·np from an A block (PackA) and np panels
// (np even) of a packed B starting at b (PackS8B with the same k, through
// PrepB).
func (g GemmS8) Block(rows, np, k int, blk []int8, corr []int32, b []int8, acc []int32, ldacc int) {
	kq := (k + 3) / 4
	if rows < 0 || rows > g.mr || np < 0 || np%2 != 0 || len(blk) < g.ABlockLen(k) ||
		len(corr) < g.mr || len(b) < g.bLen(np, kq) || ldacc < 16*np ||
		(rows > 0 && len(acc) < (rows-1)*ldacc+16*np) {
		panic("simd: GemmS8.Block: bad sizes")
	}
	if rows == 0 || np == 0 {
		return
	}
	if kq == 0 {
		for r := 0; r < rows; r++ {
			clear(acc[r*ldacc : r*ldacc+16*np])
		}
		return
	}
	g.block(rows, np, kq, blk, corr, b, acc, ldacc)
}

// BlockF32 is Block followed by DequantS32: it writes
// c[r*ldc+j] = float32(acc[r][j]) · sb[j] · sa[r] for r < rows and
// j < 16·np, rounded left to right, without an int32 tile in memory where
// the kernel has the epilogue built in.
func (g GemmS8) BlockF32(rows, np, k int, blk []int8, sa []float32, corr []int32, b []int8, sb []float32, c []float32, ldc int) {
	kq := (k + 3) / 4
	if rows < 0 || rows > g.mr || np < 0 || np%2 != 0 || len(blk) < g.ABlockLen(k) || len(sa) < rows ||
		len(corr) < g.mr || len(b) < g.bLen(np, kq) || len(sb) < 16*np || ldc < 16*np ||
		(rows > 0 && len(c) < (rows-1)*ldc+16*np) {
		panic("simd: GemmS8.BlockF32: bad sizes")
	}
	if rows == 0 || np == 0 {
		return
	}
	if kq > 0 && g.blockF32(rows, np, kq, blk, sa, b, sb, c, ldc) {
		return
	}
	// The int32 sums go into c's own memory and are converted in place
	// (the epilogue reads each element before it writes it).
	acc := unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(c))), len(c))
	if kq == 0 {
		for r := 0; r < rows; r++ {
			clear(acc[r*ldc : r*ldc+16*np])
		}
	} else {
		g.block(rows, np, kq, blk, corr, b, acc, ldc)
	}
	for r := 0; r < rows; r++ {
		dequantS32Row(c[r*ldc:r*ldc+16*np], acc[r*ldc:r*ldc+16*np], sa[r], sb[:16*np])
	}
}

// BlockF32Prep is BlockF32 for the first A block to use np panels of a
// packed B: b holds the PackS8B panels themselves, and the call leaves
// them prepared in dst on the way, returning what PrepB(dst, b, np, k)
// would, for the next blocks' BlockF32. The AVX2 kernel for many rows
// widens B while it multiplies, which hides B's trip from memory behind
// the arithmetic; other kernels run PrepB, then BlockF32.
func (g GemmS8) BlockF32Prep(rows, np, k int, blk []int8, sa []float32, corr []int32, b []int8, sb []float32, c []float32, ldc int, dst []int8) []int8 {
	kq := (k + 3) / 4
	n := g.PrepBLen(np, k)
	if n == 0 {
		g.BlockF32(rows, np, k, blk, sa, corr, b, sb, c, ldc)
		return b
	}
	if kq == 0 || rows == 0 {
		bp := g.PrepB(dst, b, np, k)
		g.BlockF32(rows, np, k, blk, sa, corr, bp, sb, c, ldc)
		return bp
	}
	if rows < 0 || rows > g.mr || np < 0 || np%2 != 0 || len(blk) < g.ABlockLen(k) || len(sa) < rows ||
		len(corr) < g.mr || len(b) < np*S8PanelLen(k) || len(sb) < 16*np || ldc < 16*np ||
		len(c) < (rows-1)*ldc+16*np || len(dst) < n {
		panic("simd: GemmS8.BlockF32Prep: bad sizes")
	}
	dst = alignPrep(dst, n)
	g.blockF32Prep(rows, np, kq, blk, sa, b, sb, c, ldc, dst)
	return dst
}

// DequantS32 writes c[r*ldc+j] = float32(acc[r*ldacc+j]) · sb[j] · sa[r]
// for r < rows, j < cols: the epilogue of the int8 GEMM. The products are
// rounded left to right, in float32, on every path.
func DequantS32(rows, cols int, acc []int32, ldacc int, sa, sb []float32, c []float32, ldc int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if len(sa) < rows || len(sb) < cols || len(acc) < (rows-1)*ldacc+cols || len(c) < (rows-1)*ldc+cols {
		panic("simd: DequantS32: bad sizes")
	}
	for r := 0; r < rows; r++ {
		dequantS32Row(c[r*ldc:r*ldc+cols], acc[r*ldacc:r*ldacc+cols], sa[r], sb[:cols])
	}
}
