//go:build ignore

// This program writes gemm_bf16_amd64.s, the AVX512_BF16 micro-kernels of
// GemmBF16Kernel: one function per row count m = 1..GemmBF16MR for one
// panel, and for m = 1, 2 across four panels, because the accumulators
// live in registers; and AVX2 + FMA kernels of up to four rows and half a
// panel for CPUs without AVX512_BF16. It also writes gemm_bf16_arm64.s,
// the NEON kernels of the same shape. Run it with go generate.
//
// The Go assembler does not know VDPBF16PS, so each one is written as its
// EVEX bytes with the instruction in a comment.
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
)

const (
	mr = 14 // rows, GemmBF16MR: 2·mr accumulators + 2 B + 2 A registers = 32
	nr = 32 // columns, GemmBF16NR: two zmm of 16 float32

	wideRows = 2 // rows of the four-panel kernels (three already keep VDPBF16PS busy)
)

var out bytes.Buffer

func p(format string, args ...any) { fmt.Fprintf(&out, format+"\n", args...) }

// vdpbf16ps writes VDPBF16PS zmm(dst) += pairs of zmm(src1) · zmm(src2),
// all registers (EVEX.512.F3.0F38.W0 52 /r).
func vdpbf16ps(dst, src1, src2 int) {
	inv := func(b int) int { return ^b & 1 }
	p0 := inv(dst>>3)<<7 | inv(src2>>4)<<6 | inv(src2>>3)<<5 | inv(dst>>4)<<4 | 0x2
	p1 := (^src1&15)<<3 | 1<<2 | 0x2
	p2 := 2<<5 | inv(src1>>4)<<3
	modrm := 0xc0 | (dst&7)<<3 | src2&7
	p("\tBYTE $0x62; BYTE $0x%02x; BYTE $0x%02x; BYTE $0x%02x; BYTE $0x52; BYTE $0x%02x // VDPBF16PS Z%d, Z%d, Z%d",
		p0, p1, p2, modrm, src2, src1, dst)
}

// step writes one k-pair for m rows of one panel: B's 32 columns (two
// zmm of 16 interleaved pairs) at off(BX), A's m pairs at aoff(AX).
func step(m, off, aoff int) {
	p("\tVMOVDQU32 %d(BX), Z28", off)
	p("\tVMOVDQU32 %d(BX), Z29", off+64)
	for i := 0; i < m; i++ {
		a := 30 + i&1
		p("\tVPBROADCASTD %d(AX), Z%d", aoff+4*i, a)
		vdpbf16ps(2*i, a, 28)
		vdpbf16ps(2*i+1, a, 29)
	}
}

// The wide kernels take one or two rows across four panels (128
// columns): enough independent accumulators for few rows. Panel q is read
// through panelReg[q]; A's rows are broadcast once per k-pair into
// Z24, Z25, B alternates between Z28/Z29 and Z30/Z31.
const widePanels = 4

var panelReg = [widePanels]string{"BX", "SI", "DI", "R14"}

func wideAcc(i, q, h int) int { return (i*widePanels+q)*2 + h }

func stepWide(m, off, aoff int) {
	for i := 0; i < m; i++ {
		p("\tVPBROADCASTD %d(AX), Z%d", aoff+4*i, 24+i)
	}
	for q := 0; q < widePanels; q++ {
		b := 28 + 2*(q&1)
		p("\tVMOVDQU32 %d(%s), Z%d", off, panelReg[q], b)
		p("\tVMOVDQU32 %d(%s), Z%d", off+64, panelReg[q], b+1)
		for i := 0; i < m; i++ {
			vdpbf16ps(wideAcc(i, q, 0), 24+i, b)
			vdpbf16ps(wideAcc(i, q, 1), 24+i, b+1)
		}
	}
}

// prologue loads the arguments shared by both kernel shapes.
func prologue(name string) {
	p("\tMOVQ a+0(FP), AX")
	p("\tMOVQ b+8(FP), BX")
	p("\tMOVQ c+16(FP), DX")
	p("\tMOVQ kp+24(FP), CX")
	p("\tMOVQ ldc+40(FP), R9")
	p("\tSHLQ $2, R9 // row stride in bytes")
	p("\tMOVQ mask+48(FP), R10")
	p("\tKMOVW R10, K1 // columns 0-15 of the last panel to keep")
	p("\tSHRQ $16, R10")
	p("\tKMOVW R10, K2 // columns 16-31")
}

// kloop writes the k loop, two k-pairs per round, then the odd one.
func kloop(label string, m int, stepFn func(m, off, aoff int), advance func()) {
	p("")
	p("\t// Two k-pairs per round: B advances 2·128 bytes, A 2·%d.", 4*m)
	p("%s_k:", label)
	p("\tMOVQ CX, R12")
	p("\tSHRQ $1, R12")
	p("\tJZ %s_odd", label)
	p("%s_loop:", label)
	stepFn(m, 0, 0)
	stepFn(m, 128, 4*m)
	p("\tADDQ $%d, AX", 8*m)
	advance()
	p("\tDECQ R12")
	p("\tJNZ %s_loop", label)
	p("")
	p("\t// The last k-pair when kp is odd.")
	p("%s_odd:", label)
	p("\tTESTQ $1, CX")
	p("\tJZ %s_store", label)
	stepFn(m, 0, 0)
}

// tile writes the zeroing or loading of the accumulators (before the k
// loop, load) or their masked store (after it): panels full panels
// without a mask and the last one with K1, K2.
func tile(label string, m, panels int, acc func(i, q, h int) int, store bool) {
	p("\tMOVQ DX, R8")
	for i := 0; i < m; i++ {
		for q := 0; q < panels; q++ {
			for h := 0; h < 2; h++ {
				mask := ""
				if q == panels-1 {
					mask = fmt.Sprintf(" K%d,", h+1)
				}
				off := q*128 + h*64
				if store {
					p("\tVMOVUPS Z%d,%s %d(R8)", acc(i, q, h), mask, off)
				} else if mask != "" {
					p("\tVMOVUPS.Z %d(R8),%s Z%d", off, mask, acc(i, q, h))
				} else {
					p("\tVMOVUPS %d(R8), Z%d", off, acc(i, q, h))
				}
			}
		}
		if i < m-1 {
			p("\tADDQ R9, R8")
		}
	}
}

func start(label string, m, panels int, acc func(i, q, h int) int) {
	p("")
	p("\t// Accumulators: zero, or C's values when load != 0.")
	p("\tMOVQ load+56(FP), R11")
	p("\tTESTQ R11, R11")
	p("\tJNZ %s_load", label)
	for i := 0; i < m; i++ {
		for q := 0; q < panels; q++ {
			for h := 0; h < 2; h++ {
				r := acc(i, q, h)
				p("\tVPXORD Z%d, Z%d, Z%d", r, r, r)
			}
		}
	}
	p("\tJMP %s_k", label)
	p("%s_load:", label)
	tile(label, m, panels, acc, false)
}

const args = "(a *uint32, b *uint16, c *float32, kp, ldb, ldc int, mask uint64, load int)"

func kernel(m int) {
	label := fmt.Sprintf("dp%d", m)
	p("")
	p("// func gemmBF16DP%d%s", m, args)
	p("// %d rows × one panel; Z(2i), Z(2i+1) accumulate row i.", m)
	p("TEXT ·gemmBF16DP%d(SB), NOSPLIT, $0-64", m)
	prologue(label)
	acc := func(i, q, h int) int { return 2*i + h }
	start(label, m, 1, acc)
	kloop(label, m, step, func() { p("\tADDQ $256, BX") })
	p("")
	p("\t// Store the rows, masked to the valid columns.")
	p("%s_store:", label)
	tile(label, m, 1, acc, true)
	p("\tVZEROUPPER")
	p("\tRET")
}

func kernelWide(m int) {
	label := fmt.Sprintf("dpw%d", m)
	p("")
	p("// func gemmBF16DPW%d%s", m, args)
	p("// %d rows × four panels ldb values apart; the mask is the last panel's.", m)
	p("TEXT ·gemmBF16DPW%d(SB), NOSPLIT, $0-64", m)
	prologue(label)
	p("\tMOVQ ldb+32(FP), R13")
	p("\tSHLQ $1, R13 // panel stride in bytes")
	p("\tLEAQ (BX)(R13*1), SI")
	p("\tLEAQ (SI)(R13*1), DI")
	p("\tLEAQ (DI)(R13*1), R14")
	start(label, m, widePanels, wideAcc)
	kloop(label, m, stepWide, func() {
		for _, r := range panelReg {
			p("\tADDQ $256, %s", r)
		}
	})
	p("")
	p("\t// Store the rows: three full panels, the last one masked.")
	p("%s_store:", label)
	tile(label, m, widePanels, wideAcc, true)
	p("\tVZEROUPPER")
	p("\tRET")
}

// The AVX2 kernels (for CPUs without AVX512_BF16) widen bfloat16 to
// float32 and use FMA: up to fmaRows rows × 16 columns (half a panel).
// Y0..Y7 accumulate (row i in Y(2i), Y(2i+1)), Y8..Y11 hold B's odd and
// even halves, Y12/Y13 A's, Y15 = 0xffff0000. The products are exact, so
// each FMA rounds once, like the reference's add, and the odd value of a
// pair goes first.
const fmaRows = 4

func stepFMA(m int, off int) {
	p("\tVMOVDQU %d(BX), Y8", off)
	p("\tVMOVDQU %d(BX), Y10", off+32)
	p("\tVPAND Y15, Y8, Y9")
	p("\tVPSLLD $16, Y8, Y8")
	p("\tVPAND Y15, Y10, Y11")
	p("\tVPSLLD $16, Y10, Y10")
	for i := 0; i < m; i++ {
		p("\tVPBROADCASTD %d(AX), Y12", 4*i)
		p("\tVPAND Y15, Y12, Y13")
		p("\tVPSLLD $16, Y12, Y12")
		p("\tVFMADD231PS Y9, Y13, Y%d", 2*i)
		p("\tVFMADD231PS Y11, Y13, Y%d", 2*i+1)
		p("\tVFMADD231PS Y8, Y12, Y%d", 2*i)
		p("\tVFMADD231PS Y10, Y12, Y%d", 2*i+1)
	}
}

func kernelFMA(m int) {
	label := fmt.Sprintf("fm%d", m)
	p("")
	p("// func gemmBF16FMA%d(a *uint32, b *uint16, c *float32, kp, astride, ldc int, mask *int32, load int)", m)
	p("// %d rows × 16 columns; A's k-pairs are astride dwords apart, B's 128", m)
	p("// bytes; mask points at 16 int32, -1 for each column to keep.")
	p("TEXT ·gemmBF16FMA%d(SB), NOSPLIT, $0-64", m)
	p("\tMOVQ a+0(FP), AX")
	p("\tMOVQ b+8(FP), BX")
	p("\tMOVQ c+16(FP), DX")
	p("\tMOVQ kp+24(FP), CX")
	p("\tMOVQ astride+32(FP), R11")
	p("\tSHLQ $2, R11 // A stride in bytes")
	p("\tMOVQ ldc+40(FP), R9")
	p("\tSHLQ $2, R9 // row stride in bytes")
	p("\tMOVQ mask+48(FP), R10")
	p("\tMOVL $0xffff0000, R12")
	p("\tVMOVD R12, X15")
	p("\tVPBROADCASTD X15, Y15")
	p("")
	p("\t// Accumulators: zero, or C's values when load != 0.")
	p("\tMOVQ load+56(FP), R12")
	p("\tTESTQ R12, R12")
	p("\tJNZ %s_load", label)
	for i := 0; i < 2*m; i++ {
		p("\tVXORPS Y%d, Y%d, Y%d", i, i, i)
	}
	p("\tJMP %s_k", label)
	p("%s_load:", label)
	p("\tVMOVDQU (R10), Y8")
	p("\tVMOVDQU 32(R10), Y9")
	p("\tMOVQ DX, R8")
	for i := 0; i < m; i++ {
		p("\tVMASKMOVPS (R8), Y8, Y%d", 2*i)
		p("\tVMASKMOVPS 32(R8), Y9, Y%d", 2*i+1)
		if i < m-1 {
			p("\tADDQ R9, R8")
		}
	}
	p("")
	p("\t// Two k-pairs per round.")
	p("%s_k:", label)
	p("\tMOVQ CX, R12")
	p("\tSHRQ $1, R12")
	p("\tJZ %s_odd", label)
	p("%s_loop:", label)
	stepFMA(m, 0)
	p("\tADDQ R11, AX")
	stepFMA(m, 128)
	p("\tADDQ R11, AX")
	p("\tADDQ $256, BX")
	p("\tDECQ R12")
	p("\tJNZ %s_loop", label)
	p("")
	p("\t// The last k-pair when kp is odd.")
	p("%s_odd:", label)
	p("\tTESTQ $1, CX")
	p("\tJZ %s_store", label)
	stepFMA(m, 0)
	p("")
	p("\t// Store the rows, masked to the valid columns.")
	p("%s_store:", label)
	p("\tVMOVDQU (R10), Y8")
	p("\tVMOVDQU 32(R10), Y9")
	p("\tMOVQ DX, R8")
	for i := 0; i < m; i++ {
		p("\tVMASKMOVPS Y%d, Y8, (R8)", 2*i)
		p("\tVMASKMOVPS Y%d, Y9, 32(R8)", 2*i+1)
		if i < m-1 {
			p("\tADDQ R9, R8")
		}
	}
	p("\tVZEROUPPER")
	p("\tRET")
}

// The NEON kernels (arm64) widen bfloat16 to float32 and use FMLA: up to
// neonRows rows × 16 columns (half a panel), always all 16 (the Go side
// goes through a scratch tile for fewer). V0..V15 accumulate (row i in
// V(4i)..V(4i+3), four columns each), V16..V19 hold B's even halves and
// V20..V23 its odd ones, V24/V25 A's, V31 = 0xffff0000.
const neonRows = 4

func kernelNEON(m int) {
	label := fmt.Sprintf("nm%d", m)
	p("")
	p("// func gemmBF16NEON%d(a *uint32, b *uint16, c *float32, kp, astride, ldc int, load int)", m)
	p("TEXT ·gemmBF16NEON%d(SB), NOSPLIT, $0-56", m)
	p("\tMOVD a+0(FP), R0")
	p("\tMOVD b+8(FP), R1")
	p("\tMOVD c+16(FP), R2")
	p("\tMOVD kp+24(FP), R3")
	p("\tMOVD astride+32(FP), R4")
	p("\tLSL $2, R4 // A stride in bytes")
	p("\tMOVD ldc+40(FP), R6")
	p("\tLSL $2, R6 // row stride in bytes")
	p("\tMOVD load+48(FP), R7")
	p("\tMOVW $0xffff0000, R8")
	p("\tVDUP R8, V31.S4")
	p("")
	p("\t// Accumulators: zero, or C's values when load != 0.")
	p("\tCBNZ R7, %s_load", label)
	for i := 0; i < 4*m; i++ {
		p("\tVEOR V%d.B16, V%d.B16, V%d.B16", i, i, i)
	}
	p("\tB %s_k", label)
	p("%s_load:", label)
	p("\tMOVD R2, R9")
	for i := 0; i < m; i++ {
		p("\tVLD1 (R9), [V%d.S4, V%d.S4, V%d.S4, V%d.S4]", 4*i, 4*i+1, 4*i+2, 4*i+3)
		if i < m-1 {
			p("\tADD R6, R9")
		}
	}
	p("")
	p("\t// One k-pair per round: B's 16 column pairs split into odd (AND)")
	p("\t// and even (shifted up) halves, then per row A's pair, odd first.")
	p("%s_k:", label)
	p("\tCBZ R3, %s_store", label)
	p("%s_loop:", label)
	p("\tVLD1 (R1), [V16.S4, V17.S4, V18.S4, V19.S4]")
	p("\tADD $128, R1")
	for c := 0; c < 4; c++ {
		p("\tVAND V31.B16, V%d.B16, V%d.B16", 16+c, 20+c)
		p("\tVSHL $16, V%d.S4, V%d.S4", 16+c, 16+c)
	}
	p("\tMOVD R0, R5")
	for i := 0; i < m; i++ {
		p("\tVLD1R.P 4(R5), [V24.S4]")
		p("\tVAND V31.B16, V24.B16, V25.B16")
		p("\tVSHL $16, V24.S4, V24.S4")
		for c := 0; c < 4; c++ {
			p("\tVFMLA V%d.S4, V25.S4, V%d.S4", 20+c, 4*i+c)
		}
		for c := 0; c < 4; c++ {
			p("\tVFMLA V%d.S4, V24.S4, V%d.S4", 16+c, 4*i+c)
		}
	}
	p("\tADD R4, R0")
	p("\tSUBS $1, R3")
	p("\tBNE %s_loop", label)
	p("")
	p("%s_store:", label)
	p("\tMOVD R2, R9")
	for i := 0; i < m; i++ {
		p("\tVST1 [V%d.S4, V%d.S4, V%d.S4, V%d.S4], (R9)", 4*i, 4*i+1, 4*i+2, 4*i+3)
		if i < m-1 {
			p("\tADD R6, R9")
		}
	}
	p("\tRET")
}

func main() {
	p("// Code generated by gemm_bf16_gen.go; DO NOT EDIT.")
	p("")
	p("//go:build !purego && !noasm")
	p("")
	p("#include \"textflag.h\"")
	p("")
	p("// AVX512_BF16 micro-kernels: C[m×32] (+)= A[m×2kp]·B[32×2kp]ᵀ for one")
	p("// panel (gemmBF16DPm), or C[m×128] over four panels (gemmBF16DPWm).")
	p("// A is packed k-pair major (m dwords, each two bfloat16, per pair), a")
	p("// B panel as 32 column pairs (128 bytes) per pair. Each VDPBF16PS adds,")
	p("// per lane, the odd element's product and then the even one's.")
	for m := 1; m <= mr; m++ {
		kernel(m)
	}
	for m := 1; m <= wideRows; m++ {
		kernelWide(m)
	}
	p("")
	p("// AVX2 + FMA micro-kernels for CPUs without AVX512_BF16: C[m×16] (+)=")
	p("// A·Bᵀ over half a panel, bfloat16 widened to float32.")
	for m := 1; m <= fmaRows; m++ {
		kernelFMA(m)
	}
	if err := os.WriteFile("gemm_bf16_amd64.s", out.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}

	out.Reset()
	p("// Code generated by gemm_bf16_gen.go; DO NOT EDIT.")
	p("")
	p("//go:build !purego && !noasm")
	p("")
	p("#include \"textflag.h\"")
	p("")
	p("// NEON micro-kernels: C[m×16] (+)= A·Bᵀ over half a panel, bfloat16")
	p("// widened to float32. The products are exact, so each FMLA rounds once,")
	p("// like the reference's add, and the odd value of a pair goes first.")
	for m := 1; m <= neonRows; m++ {
		kernelNEON(m)
	}
	if err := os.WriteFile("gemm_bf16_arm64.s", out.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
