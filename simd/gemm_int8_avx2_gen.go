//go:build ignore

// This program writes gemm_int8_avx2_amd64.s, the AVX2 int8 GEMM kernels
// of GemmS8 for CPUs without VNNI: for every row count r = 1..avx2Rows,
//
//   - gemmS8AVX2x<r> reads half a PackS8B panel (8 columns) and widens the
//     weights to int16 as it loads them (for few rows, where widening B
//     once would not pay);
//   - gemmS8AVX2Wx<r> and gemmS8AVX2WFx<r> read B already widened by
//     prepS8BWideAVX2 and run over nh half panels in one call, ending in
//     int32 sums or in the float32 epilogue c = float32(acc)·sb[j]·sa[r];
//   - gemmS8AVX2PFx<r> is gemmS8AVX2WFx<r> on PackS8B panels that leaves
//     the widened copy behind (the first A block of a tile),
//
// and the helpers that widen B (prepS8BWideAVX2) and interleave A's rows
// into a block (interleaveS16AVX2, interleave6S16AVX2). Run it with go
// generate.
//
// Each product goes through VPMADDWD on int16 codes: a lane multiplies
// two int16 pairs and adds them into an int32, 16 multiply-adds an
// instruction, exact for every int8 input (|pair| ≤ 2·128·128). A row's
// k-quad (a0 a1 a2 a3) is broadcast to all four 64-bit lanes; a weight
// register holds four columns × four k as int16, so lanes (2c, 2c+1) of a
// product are the k0+k1 and k2+k3 sums of column c. They are added
// pairwise once, at the store (VPHADDD).
//
// Cost: a k-quad of 6 rows × 8 columns is 192 MACs for 6 broadcasts and
// 2 weight loads (load ports) and 12 VPMADDWD + 12 VPADDD, 1/8 vector
// µop a MAC. On Zen 4 VPMADDWD issues on two of the four vector pipes
// (the two that run FMA) and VPADDD on any, so the floor is 6 cycles, 32
// MACs a cycle against 16 FMAs for f32; the loop measures 7.5 to 8 as
// some adds take the multiply pipes. VPMADDUBSW (32 byte products a µop)
// saturates its int16 pair sums for full-range codes unless one operand
// is made unsigned as |b| and the other sign-flipped by VPSIGNB, and its
// int16 sums still need a VPMADDWD by ones and a VPADDD: four µops per
// 32 MACs, the same count, and slower when measured.
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
)

const avx2Rows = 6 // GemmS8.MR of the AVX2 kernel: 2·6 accumulators + 2 B + A + product = 16 ymm

var out bytes.Buffer

func p(format string, args ...any) { fmt.Fprintf(&out, format+"\n", args...) }

// mac writes one row's step: broadcast the row's k-quad (int16) from
// off(SI), multiply by both weight registers (the second product
// overwrites the broadcast), add into the row's accumulators Y(2i) and
// Y(2i+1). Both multiplies ahead of both adds measured about 1% faster
// on Zen 4 than alternating them.
func mac(i, off int) {
	p("\tVPBROADCASTQ %d(SI), Y14", off)
	p("\tVPMADDWD     Y12, Y14, Y15")
	p("\tVPMADDWD     Y13, Y14, Y14")
	p("\tVPADDD       Y15, Y%d, Y%d", 2*i, 2*i)
	p("\tVPADDD       Y14, Y%d, Y%d", 2*i+1, 2*i+1)
}

// wideStep writes one k-quad of r rows from widened B at boff(BX) and A
// at aoff(SI).
func wideStep(r, aoff, boff int) {
	p("\tVMOVDQU %d(BX), Y12", boff)
	p("\tVMOVDQU %d(BX), Y13", boff+32)
	for i := 0; i < r; i++ {
		mac(i, aoff+8*i)
	}
}

// directStep writes one k-quad of r rows from a PackS8B half panel at
// boff(BX), widened as loaded.
func directStep(r, aoff, boff int) {
	p("\tVPMOVSXBW %d(BX), Y12", boff)
	p("\tVPMOVSXBW %d(BX), Y13", boff+16)
	for i := 0; i < r; i++ {
		mac(i, aoff+8*i)
	}
}

// prepStep writes one k-quad of r rows from a PackS8B half panel at
// boff(BX), storing the widened weights at boff(R14) on the way.
func prepStep(r, aoff, boff int) {
	p("\tVPMOVSXBW %d(BX), Y12", boff)
	p("\tVPMOVSXBW %d(BX), Y13", boff+16)
	p("\tVMOVDQU   Y12, %d(R14)", boff)
	p("\tVMOVDQU   Y13, %d(R14)", boff+32)
	for i := 0; i < r; i++ {
		mac(i, aoff+8*i)
	}
}

// kloop writes the k loop over R8 k-quads, two a round (an odd one
// first), with step(r, aoff, boff) for one k-quad; B and the registers
// in ptrs advance by 64 bytes a k-quad, A by 8·avx2Rows.
func kloop(lbl string, r int, step func(r, aoff, boff int), ptrs ...string) {
	advance := func(n int) {
		p("\tADDQ $%d, SI", n*8*avx2Rows)
		for _, reg := range ptrs {
			p("\tADDQ $%d, %s", 64*n, reg)
		}
	}
	p("\tBTQ  $0, R8")
	p("\tJCC  %seven", lbl)
	step(r, 0, 0) // odd kq: one k-quad first
	advance(1)
	p("")
	p("%seven:", lbl)
	p("\tSHRQ $1, R8")
	p("\tJZ   %sdone", lbl)
	p("")
	p("%sloop: // two k-quads a round", lbl)
	step(r, 0, 0)
	step(r, 8*avx2Rows, 64)
	advance(2)
	p("\tDECQ R8")
	p("\tJNZ  %sloop", lbl)
	p("")
	p("%sdone:", lbl)
}

// storeF32 writes the float32 epilogue of r rows at R12 (row stride R9):
// float32(acc)·sb[j] with sb at R11, then ·sa[i] with sa at DX, each
// product rounded (as DequantS32).
func storeF32(r int) {
	for i := 0; i < r; i++ {
		reduce(i)
		p("\tVCVTDQ2PS    Y%d, Y%d", 2*i, 2*i)
		p("\tVMULPS       (R11), Y%d, Y%d", 2*i, 2*i)
		p("\tVBROADCASTSS %d(DX), Y15", 4*i)
		p("\tVMULPS       Y15, Y%d, Y%d", 2*i, 2*i)
		p("\tVMOVUPS      Y%d, (R12)", 2*i)
		if i < r-1 {
			p("\tADDQ         R9, R12")
		}
	}
}

func zero(r int) {
	for i := 0; i < 2*r; i++ {
		p("\tVPXOR Y%d, Y%d, Y%d", i, i, i)
	}
}

// reduce adds the lane pairs of row i's accumulators into Y(2i), in
// column order: VPHADDD gives columns 0 1 4 5 | 2 3 6 7, VPERMQ sorts the
// 64-bit halves.
func reduce(i int) {
	p("\tVPHADDD Y%d, Y%d, Y%d", 2*i+1, 2*i, 2*i)
	p("\tVPERMQ  $0xd8, Y%d, Y%d", 2*i, 2*i)
}

// direct writes gemmS8AVX2x<r>(a, b *int8, kq int, acc *int32, ldacc int):
// r rows × 8 columns from a PackS8B half panel at b (64 bytes a k-quad).
func direct(r int) {
	name := fmt.Sprintf("gemmS8AVX2x%d", r)
	p("")
	p("// func %s(a *int8, b *int8, kq int, acc *int32, ldacc int)", name)
	p("TEXT ·%s(SB), NOSPLIT, $0-40", name)
	p("\tMOVQ a+0(FP), SI")
	p("\tMOVQ b+8(FP), BX")
	p("\tMOVQ kq+16(FP), R8")
	p("\tMOVQ acc+24(FP), DI")
	p("\tMOVQ ldacc+32(FP), R9")
	p("\tSHLQ $2, R9")
	zero(r)
	kloop(fmt.Sprintf("x%d", r), r, directStep, "BX")
	for i := 0; i < r; i++ {
		reduce(i)
		p("\tVMOVDQU Y%d, (DI)", 2*i)
		if i < r-1 {
			p("\tADDQ    R9, DI")
		}
	}
	p("\tVZEROUPPER")
	p("\tRET")
}

// wide writes gemmS8AVX2Wx<r> (f32 false) or gemmS8AVX2WFx<r> (f32 true):
// r rows × nh half panels of widened B (64·kq bytes each, consecutive).
func wide(r int, f32 bool) {
	name, args := fmt.Sprintf("gemmS8AVX2Wx%d", r), "acc *int32, ldacc int"
	frame := 48
	if f32 {
		name, args = fmt.Sprintf("gemmS8AVX2WFx%d", r), "c *float32, ldc int, sa *float32, sb *float32"
		frame = 64
	}
	lbl := name[len("gemmS8AVX2"):]
	p("")
	p("// func %s(a *int8, b *int8, kq, nh int, %s)", name, args)
	p("TEXT ·%s(SB), NOSPLIT, $0-%d", name, frame)
	p("\tMOVQ a+0(FP), R13")
	p("\tMOVQ b+8(FP), BX")
	p("\tMOVQ kq+16(FP), R10")
	p("\tMOVQ nh+24(FP), CX")
	if f32 {
		p("\tMOVQ c+32(FP), DI")
		p("\tMOVQ ldc+40(FP), R9")
		p("\tMOVQ sa+48(FP), DX")
		p("\tMOVQ sb+56(FP), R11")
	} else {
		p("\tMOVQ acc+32(FP), DI")
		p("\tMOVQ ldacc+40(FP), R9")
	}
	p("\tSHLQ $2, R9")
	p("")
	p("%shalf:", lbl)
	p("\tMOVQ R13, SI")
	p("\tMOVQ R10, R8")
	zero(r)
	kloop(lbl, r, wideStep, "BX")
	p("\tMOVQ DI, R12")
	if f32 {
		storeF32(r)
	} else {
		for i := 0; i < r; i++ {
			reduce(i)
			p("\tVMOVDQU Y%d, (R12)", 2*i)
			if i < r-1 {
				p("\tADDQ    R9, R12")
			}
		}
	}
	p("\tADDQ $32, DI")
	if f32 {
		p("\tADDQ $32, R11")
	}
	p("\tDECQ CX")
	p("\tJNZ  %shalf", lbl)
	p("\tVZEROUPPER")
	p("\tRET")
}

// prepKernel writes gemmS8AVX2PFx<r>(a, b *int8, kq int, w *int8,
// c *float32, ldc int, sa, sb *float32): r rows × one PackS8B half panel
// at b with the float32 epilogue, like gemmS8AVX2WFx<r>, that also
// writes the half panel widened to w (the layout of prepS8BWideAVX2).
// The first A block of a tile runs it, so B is widened while the
// multiplies run instead of in a pass of its own.
func prepKernel(r int) {
	name := fmt.Sprintf("gemmS8AVX2PFx%d", r)
	lbl := name[len("gemmS8AVX2"):]
	p("")
	p("// func %s(a *int8, b *int8, kq int, w *int8, c *float32, ldc int, sa *float32, sb *float32)", name)
	p("TEXT ·%s(SB), NOSPLIT, $0-64", name)
	p("\tMOVQ a+0(FP), SI")
	p("\tMOVQ b+8(FP), BX")
	p("\tMOVQ kq+16(FP), R8")
	p("\tMOVQ w+24(FP), R14")
	p("\tMOVQ c+32(FP), R12")
	p("\tMOVQ ldc+40(FP), R9")
	p("\tSHLQ $2, R9")
	p("\tMOVQ sa+48(FP), DX")
	p("\tMOVQ sb+56(FP), R11")
	zero(r)
	kloop(lbl, r, prepStep, "BX", "R14")
	storeF32(r)
	p("\tVZEROUPPER")
	p("\tRET")
}

// prep writes prepS8BWideAVX2(dst, src *int8, kq, np int): np PackS8B
// panels at src become 2·np half panels at dst, each kq k-quads of 8
// columns × 4 int16 (64 bytes).
func prep() {
	p("")
	p("// func prepS8BWideAVX2(dst *int8, src *int8, kq, np int)")
	p("TEXT ·prepS8BWideAVX2(SB), NOSPLIT, $0-32")
	p("\tMOVQ dst+0(FP), DI")
	p("\tMOVQ src+8(FP), SI")
	p("\tMOVQ kq+16(FP), DX")
	p("\tMOVQ np+24(FP), CX")
	p("\tMOVQ DX, R10")
	p("\tSHLQ $6, R10 // half panel bytes")
	p("")
	p("prepPanel:")
	p("\tMOVQ DX, R8")
	p("\tMOVQ DI, R11 // half 0; half 1 at R11+R10")
	p("")
	p("prepLoop:")
	p("\tPREFETCHT0 1024(SI)")
	p("\tVPMOVSXBW (SI), Y0")
	p("\tVPMOVSXBW 16(SI), Y1")
	p("\tVPMOVSXBW 32(SI), Y2")
	p("\tVPMOVSXBW 48(SI), Y3")
	p("\tVMOVDQU   Y0, (R11)")
	p("\tVMOVDQU   Y1, 32(R11)")
	p("\tVMOVDQU   Y2, (R11)(R10*1)")
	p("\tVMOVDQU   Y3, 32(R11)(R10*1)")
	p("\tADDQ $64, SI")
	p("\tADDQ $64, R11")
	p("\tDECQ R8")
	p("\tJNZ  prepLoop")
	p("")
	p("\tLEAQ (DI)(R10*2), DI")
	p("\tDECQ CX")
	p("\tJNZ  prepPanel")
	p("\tVZEROUPPER")
	p("\tRET")
}

// interleave writes interleaveS16AVX2(dst, codes *int8, rows, groups,
// kq, stride int): for each of rows rows of codes (4·kq bytes apart) the
// first 4·groups k-quads, sign-extended to int16, into the A block at dst
// (row r at 8r, stride bytes a k-quad).
func interleave() {
	p("")
	p("// func interleaveS16AVX2(dst *int8, codes *int8, rows, groups, kq, stride int)")
	p("TEXT ·interleaveS16AVX2(SB), NOSPLIT, $0-48")
	p("\tMOVQ dst+0(FP), DI")
	p("\tMOVQ codes+8(FP), SI")
	p("\tMOVQ rows+16(FP), DX")
	p("\tMOVQ kq+32(FP), R13")
	p("\tSHLQ $2, R13 // bytes a row of codes")
	p("\tMOVQ stride+40(FP), R8")
	p("\tLEAQ (R8)(R8*2), R9 // 3·stride")
	p("")
	p("ilvRow:")
	p("\tMOVQ SI, R10")
	p("\tMOVQ DI, R11")
	p("\tMOVQ groups+24(FP), CX")
	p("")
	p("ilvGroup: // four k-quads")
	p("\tVPMOVSXBW    (R10), Y0")
	p("\tVEXTRACTI128 $1, Y0, X1")
	p("\tVMOVQ        X0, (R11)")
	p("\tVPEXTRQ      $1, X0, (R11)(R8*1)")
	p("\tVMOVQ        X1, (R11)(R8*2)")
	p("\tVPEXTRQ      $1, X1, (R11)(R9*1)")
	p("\tADDQ $16, R10")
	p("\tLEAQ (R11)(R8*4), R11")
	p("\tDECQ CX")
	p("\tJNZ  ilvGroup")
	p("")
	p("\tADDQ $8, DI")
	p("\tADDQ R13, SI")
	p("\tDECQ DX")
	p("\tJNZ  ilvRow")
	p("\tVZEROUPPER")
	p("\tRET")
}

// interleave6 writes interleave6S16AVX2(dst, codes *int8, groups, kq
// int): interleave for a full block of avx2Rows = 6 rows, a transposition
// in registers so that each k-quad's 48 bytes go out in two stores rather
// than six.
func interleave6() {
	p("")
	p("// func interleave6S16AVX2(dst *int8, codes *int8, groups, kq int)")
	p("TEXT ·interleave6S16AVX2(SB), NOSPLIT, $0-32")
	p("\tMOVQ dst+0(FP), DI")
	p("\tMOVQ codes+8(FP), SI")
	p("\tMOVQ groups+16(FP), CX")
	p("\tMOVQ kq+24(FP), R8")
	p("\tSHLQ $2, R8 // bytes a row of codes")
	p("\tLEAQ (R8)(R8*2), R9 // 3 rows")
	p("")
	p("ilv6Group: // four k-quads of six rows: row r in Y(r) as [q0 q1 | q2 q3]")
	p("\tVPMOVSXBW   (SI), Y0")
	p("\tVPMOVSXBW   (SI)(R8*1), Y1")
	p("\tVPMOVSXBW   (SI)(R8*2), Y2")
	p("\tVPMOVSXBW   (SI)(R9*1), Y3")
	p("\tLEAQ        (SI)(R8*4), R10")
	p("\tVPMOVSXBW   (R10), Y4")
	p("\tVPMOVSXBW   (R10)(R8*1), Y5")
	p("\tVPUNPCKLQDQ Y1, Y0, Y6  // r0q0 r1q0 | r0q2 r1q2")
	p("\tVPUNPCKHQDQ Y1, Y0, Y7  // r0q1 r1q1 | r0q3 r1q3")
	p("\tVPUNPCKLQDQ Y3, Y2, Y8")
	p("\tVPUNPCKHQDQ Y3, Y2, Y9")
	p("\tVPUNPCKLQDQ Y5, Y4, Y10")
	p("\tVPUNPCKHQDQ Y5, Y4, Y11")
	p("\tVPERM2I128  $0x20, Y8, Y6, Y0 // q0: rows 0-3")
	p("\tVPERM2I128  $0x20, Y9, Y7, Y1 // q1")
	p("\tVPERM2I128  $0x31, Y8, Y6, Y2 // q2")
	p("\tVPERM2I128  $0x31, Y9, Y7, Y3 // q3")
	for q := 0; q < 4; q++ {
		p("\tVMOVDQU     Y%d, %d(DI)", q, 48*q)
	}
	p("\tVMOVDQU     X10, 32(DI) // rows 4-5")
	p("\tVMOVDQU     X11, 80(DI)")
	p("\tVEXTRACTI128 $1, Y10, 128(DI)")
	p("\tVEXTRACTI128 $1, Y11, 176(DI)")
	p("\tADDQ $16, SI")
	p("\tADDQ $192, DI")
	p("\tDECQ CX")
	p("\tJNZ  ilv6Group")
	p("\tVZEROUPPER")
	p("\tRET")
}

func main() {
	p("// Code generated by gemm_int8_avx2_gen.go; DO NOT EDIT.")
	p("")
	p("//go:build !purego && !noasm")
	p("")
	p("#include \"textflag.h\"")
	p("")
	p("// AVX2 int8 GEMM kernels (see gemm_int8_avx2_gen.go): VPMADDWD on")
	p("// int16 codes. Registers: SI the A block at the first row (%d bytes a", 8*avx2Rows)
	p("// k-quad, row i at 8i), BX the weights, R8 k-quads left, Y12/Y13 the")
	p("// widened weights of columns 0-3 and 4-7, Y14 a row's broadcast k-quad,")
	p("// Y15 products, Y0..Y11 accumulators (row i in Y(2i), Y(2i+1)).")
	for r := avx2Rows; r >= 1; r-- {
		direct(r)
	}
	for r := avx2Rows; r >= 1; r-- {
		wide(r, false)
	}
	for r := avx2Rows; r >= 1; r-- {
		wide(r, true)
	}
	for r := avx2Rows; r >= 1; r-- {
		prepKernel(r)
	}
	prep()
	interleave()
	interleave6()
	if err := os.WriteFile("gemm_int8_avx2_amd64.s", out.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
