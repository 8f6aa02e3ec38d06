//go:build !purego && !noasm

#include "textflag.h"

// The W4A8 GEMM micro-kernels. Macros come first (see gemm_int8_amd64.s).

// ---------------------------------------------------------------------------
// AVX-512 VNNI W4A8: R rows × 16 columns per call.
//
// Per group: each row's int32 accumulator starts at its bias term
// corr = -8·Σa (removing the +8 offset of the nibbles); for each packed
// vector one AND gives the unsigned weights of a low k-quad and a shift +
// AND those of the matching high k-quad; VPDPBUSD multiplies them (the
// unsigned operand) by the row's four activation codes broadcast from the
// A block (the signed operand). At the end of the group the sum is
// converted to float32, multiplied by the group's 16 column scales and
// added to the row's float accumulator (VMULPS then VADDPS: two roundings,
// as the reference). The row's activation scale is applied at the store.
//
// Registers: SI low k-quads of the group (48 bytes a k-quad), DX its high
// k-quads, R13 their distance, CX bias terms (48 bytes a group), BX panel,
// R8 groups left, R10 vectors a group, R11 vectors left, DI c, R9 c row
// bytes, R12 sa, Z31 0x0f bytes, Z24/Z25 low/high weights, Z26 packed
// vector, Z27 group scales, Z28 scratch, Z0..Z11 int32 accumulators and
// Z12..Z23 float accumulators (row r in Z(r) and Z(12+r)).

#define S4_ARGS \
	MOVQ a+0(FP), SI; \
	MOVQ corr+8(FP), CX; \
	MOVQ b+16(FP), BX; \
	MOVQ ng+24(FP), R8; \
	MOVQ nv+32(FP), R10; \
	MOVQ hioff+40(FP), R13; \
	MOVQ c+48(FP), DI; \
	MOVQ ldc+56(FP), R9; \
	SHLQ $2, R9; \
	MOVQ sa+64(FP), R12; \
	LEAQ (SI)(R13*1), DX; \
	MOVL $0x0f0f0f0f, AX; \
	VPBROADCASTD AX, Z31

// unpack the next packed vector into low and high k-quads
#define S4_LOADW \
	VMOVDQU32 (BX), Z26; \
	VPANDD    Z31, Z26, Z24; \
	VPSRLW    $4, Z26, Z25; \
	VPANDD    Z31, Z25, Z25

#define S4_MAC(off, acc) \
	VPDPBUSD.BCST off(SI), Z24, acc; \
	VPDPBUSD.BCST off(DX), Z25, acc

#define S4_FACC(acc, facc) \
	VCVTDQ2PS acc, Z28; \
	VMULPS    Z27, Z28, Z28; \
	VADDPS    Z28, facc, facc

#define S4_STORE(off, facc) \
	VBROADCASTSS off(R12), Z28; \
	VMULPS       Z28, facc, facc; \
	VMOVUPS      facc, (DI); \
	ADDQ         R9, DI


// ---------------------------------------------------------------------------
// AVX2 W4A8: R rows × 8 columns (half a panel) per call.
//
// VPMADDUBSW multiplies the unsigned nibbles (≤ 15) by the signed
// activation codes (|a| ≤ 128) and adds adjacent pairs into int16: at most
// 2·15·128 = 3840, so it never saturates, and up to eight such results
// (four packed vectors, 30720 < 32767) are added in int16 (VPADDW) before
// VPMADDWD against ones widens them into the int32 group sum. The group
// sum plus its bias term is scaled as in the VNNI kernel.
//
// Registers: SI, DX, R13, CX, BX, R8, R10, R11, DI, R9, R12 as in the VNNI
// kernel (A blocks of 3 rows: 12 bytes a k-quad and a group's bias
// terms), R14 vectors left before the int16 sums must be widened,
// Y15 0x0f bytes, Y14 int16 ones, Y13 packed vector, Y9/Y10 low/high
// weights, Y11 broadcast activations, Y12 products; row r uses Y(r) for
// its int16 sums, Y(3+r) for the group's int32 sum and Y(6+r) for its
// float accumulator.

#define W4X_ARGS \
	MOVQ a+0(FP), SI; \
	MOVQ corr+8(FP), CX; \
	MOVQ b+16(FP), BX; \
	MOVQ ng+24(FP), R8; \
	MOVQ nv+32(FP), R10; \
	MOVQ hioff+40(FP), R13; \
	MOVQ c+48(FP), DI; \
	MOVQ ldc+56(FP), R9; \
	SHLQ $2, R9; \
	MOVQ sa+64(FP), R12; \
	LEAQ (SI)(R13*1), DX; \
	MOVL $0x0f0f0f0f, AX; \
	VMOVD AX, X15; \
	VPBROADCASTD X15, Y15; \
	MOVL $0x00010001, AX; \
	VMOVD AX, X14; \
	VPBROADCASTD X14, Y14

#define W4X_LOADW \
	VMOVDQU (BX), Y13; \
	VPAND   Y15, Y13, Y9; \
	VPSRLW  $4, Y13, Y10; \
	VPAND   Y15, Y10, Y10

#define W4X_MAC(off, acc16) \
	VPBROADCASTD off(SI), Y11; \
	VPMADDUBSW   Y11, Y9, Y12; \
	VPADDW       Y12, acc16, acc16; \
	VPBROADCASTD off(DX), Y11; \
	VPMADDUBSW   Y11, Y10, Y12; \
	VPADDW       Y12, acc16, acc16

// widen the int16 sums into the group's int32 sum
#define W4X_WIDEN(acc16, acc32) \
	VPMADDWD Y14, acc16, Y12; \
	VPADDD   Y12, acc32, acc32; \
	VPXOR    acc16, acc16, acc16

// group sum + bias, to float, times the group scales (at BX), into facc
#define W4X_FACC(off, acc32, facc) \
	VPBROADCASTD off(CX), Y12; \
	VPADDD       Y12, acc32, acc32; \
	VCVTDQ2PS    acc32, acc32; \
	VMULPS       (BX), acc32, acc32; \
	VADDPS       acc32, facc, facc; \
	VPXOR        acc32, acc32, acc32

#define W4X_STORE(off, facc) \
	VBROADCASTSS off(R12), Y12; \
	VMULPS       Y12, facc, facc; \
	VMOVUPS      facc, (DI); \
	ADDQ         R9, DI

// ---------------------------------------------------------------------------
// VNNI kernels
// ---------------------------------------------------------------------------

// func gemmS4VNNI12(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)
TEXT ·gemmS4VNNI12(SB), NOSPLIT, $0-72
	S4_ARGS
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23

group12: // int32 accumulators start at the bias terms
	VPBROADCASTD 0(CX), Z0
	VPBROADCASTD 4(CX), Z1
	VPBROADCASTD 8(CX), Z2
	VPBROADCASTD 12(CX), Z3
	VPBROADCASTD 16(CX), Z4
	VPBROADCASTD 20(CX), Z5
	VPBROADCASTD 24(CX), Z6
	VPBROADCASTD 28(CX), Z7
	VPBROADCASTD 32(CX), Z8
	VPBROADCASTD 36(CX), Z9
	VPBROADCASTD 40(CX), Z10
	VPBROADCASTD 44(CX), Z11
	MOVQ R10, R11

vec12:
	S4_LOADW
	S4_MAC(0, Z0)
	S4_MAC(4, Z1)
	S4_MAC(8, Z2)
	S4_MAC(12, Z3)
	S4_MAC(16, Z4)
	S4_MAC(20, Z5)
	S4_MAC(24, Z6)
	S4_MAC(28, Z7)
	S4_MAC(32, Z8)
	S4_MAC(36, Z9)
	S4_MAC(40, Z10)
	S4_MAC(44, Z11)
	ADDQ $64, BX
	ADDQ $48, SI
	ADDQ $48, DX
	DECQ R11
	JNZ  vec12

	// group done: scale and add to the float accumulators
	VMOVUPS (BX), Z27
	ADDQ    $64, BX
	S4_FACC(Z0, Z12)
	S4_FACC(Z1, Z13)
	S4_FACC(Z2, Z14)
	S4_FACC(Z3, Z15)
	S4_FACC(Z4, Z16)
	S4_FACC(Z5, Z17)
	S4_FACC(Z6, Z18)
	S4_FACC(Z7, Z19)
	S4_FACC(Z8, Z20)
	S4_FACC(Z9, Z21)
	S4_FACC(Z10, Z22)
	S4_FACC(Z11, Z23)
	MOVQ DX, SI // next group's low k-quads follow this group's high ones
	ADDQ R13, DX
	ADDQ $48, CX
	DECQ R8
	JNZ  group12

	S4_STORE(0, Z12)
	S4_STORE(4, Z13)
	S4_STORE(8, Z14)
	S4_STORE(12, Z15)
	S4_STORE(16, Z16)
	S4_STORE(20, Z17)
	S4_STORE(24, Z18)
	S4_STORE(28, Z19)
	S4_STORE(32, Z20)
	S4_STORE(36, Z21)
	S4_STORE(40, Z22)
	S4_STORE(44, Z23)
	VZEROUPPER
	RET

// func gemmS4VNNI8(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)
TEXT ·gemmS4VNNI8(SB), NOSPLIT, $0-72
	S4_ARGS
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19

group8: // int32 accumulators start at the bias terms
	VPBROADCASTD 0(CX), Z0
	VPBROADCASTD 4(CX), Z1
	VPBROADCASTD 8(CX), Z2
	VPBROADCASTD 12(CX), Z3
	VPBROADCASTD 16(CX), Z4
	VPBROADCASTD 20(CX), Z5
	VPBROADCASTD 24(CX), Z6
	VPBROADCASTD 28(CX), Z7
	MOVQ R10, R11

vec8:
	S4_LOADW
	S4_MAC(0, Z0)
	S4_MAC(4, Z1)
	S4_MAC(8, Z2)
	S4_MAC(12, Z3)
	S4_MAC(16, Z4)
	S4_MAC(20, Z5)
	S4_MAC(24, Z6)
	S4_MAC(28, Z7)
	ADDQ $64, BX
	ADDQ $48, SI
	ADDQ $48, DX
	DECQ R11
	JNZ  vec8

	// group done: scale and add to the float accumulators
	VMOVUPS (BX), Z27
	ADDQ    $64, BX
	S4_FACC(Z0, Z12)
	S4_FACC(Z1, Z13)
	S4_FACC(Z2, Z14)
	S4_FACC(Z3, Z15)
	S4_FACC(Z4, Z16)
	S4_FACC(Z5, Z17)
	S4_FACC(Z6, Z18)
	S4_FACC(Z7, Z19)
	MOVQ DX, SI // next group's low k-quads follow this group's high ones
	ADDQ R13, DX
	ADDQ $48, CX
	DECQ R8
	JNZ  group8

	S4_STORE(0, Z12)
	S4_STORE(4, Z13)
	S4_STORE(8, Z14)
	S4_STORE(12, Z15)
	S4_STORE(16, Z16)
	S4_STORE(20, Z17)
	S4_STORE(24, Z18)
	S4_STORE(28, Z19)
	VZEROUPPER
	RET

// func gemmS4VNNI4(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)
TEXT ·gemmS4VNNI4(SB), NOSPLIT, $0-72
	S4_ARGS
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

group4: // int32 accumulators start at the bias terms
	VPBROADCASTD 0(CX), Z0
	VPBROADCASTD 4(CX), Z1
	VPBROADCASTD 8(CX), Z2
	VPBROADCASTD 12(CX), Z3
	MOVQ R10, R11

vec4:
	S4_LOADW
	S4_MAC(0, Z0)
	S4_MAC(4, Z1)
	S4_MAC(8, Z2)
	S4_MAC(12, Z3)
	ADDQ $64, BX
	ADDQ $48, SI
	ADDQ $48, DX
	DECQ R11
	JNZ  vec4

	// group done: scale and add to the float accumulators
	VMOVUPS (BX), Z27
	ADDQ    $64, BX
	S4_FACC(Z0, Z12)
	S4_FACC(Z1, Z13)
	S4_FACC(Z2, Z14)
	S4_FACC(Z3, Z15)
	MOVQ DX, SI // next group's low k-quads follow this group's high ones
	ADDQ R13, DX
	ADDQ $48, CX
	DECQ R8
	JNZ  group4

	S4_STORE(0, Z12)
	S4_STORE(4, Z13)
	S4_STORE(8, Z14)
	S4_STORE(12, Z15)
	VZEROUPPER
	RET

// func gemmS4VNNI2(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)
TEXT ·gemmS4VNNI2(SB), NOSPLIT, $0-72
	S4_ARGS
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13

group2: // int32 accumulators start at the bias terms
	VPBROADCASTD 0(CX), Z0
	VPBROADCASTD 4(CX), Z1
	MOVQ R10, R11

vec2:
	S4_LOADW
	S4_MAC(0, Z0)
	S4_MAC(4, Z1)
	ADDQ $64, BX
	ADDQ $48, SI
	ADDQ $48, DX
	DECQ R11
	JNZ  vec2

	// group done: scale and add to the float accumulators
	VMOVUPS (BX), Z27
	ADDQ    $64, BX
	S4_FACC(Z0, Z12)
	S4_FACC(Z1, Z13)
	MOVQ DX, SI // next group's low k-quads follow this group's high ones
	ADDQ R13, DX
	ADDQ $48, CX
	DECQ R8
	JNZ  group2

	S4_STORE(0, Z12)
	S4_STORE(4, Z13)
	VZEROUPPER
	RET

// func gemmS4VNNI1(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)
TEXT ·gemmS4VNNI1(SB), NOSPLIT, $0-72
	S4_ARGS
	VPXORD Z12, Z12, Z12

group1: // int32 accumulators start at the bias terms
	VPBROADCASTD 0(CX), Z0
	MOVQ R10, R11

vec1:
	S4_LOADW
	S4_MAC(0, Z0)
	ADDQ $64, BX
	ADDQ $48, SI
	ADDQ $48, DX
	DECQ R11
	JNZ  vec1

	// group done: scale and add to the float accumulators
	VMOVUPS (BX), Z27
	ADDQ    $64, BX
	S4_FACC(Z0, Z12)
	MOVQ DX, SI // next group's low k-quads follow this group's high ones
	ADDQ R13, DX
	ADDQ $48, CX
	DECQ R8
	JNZ  group1

	S4_STORE(0, Z12)
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// AVX2 kernels
// ---------------------------------------------------------------------------

// func gemmS4AVX2x3(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)
TEXT ·gemmS4AVX2x3(SB), NOSPLIT, $0-72
	W4X_ARGS
	VPXOR Y0, Y0, Y0
	VPXOR Y3, Y3, Y3
	VPXOR Y6, Y6, Y6
	VPXOR Y1, Y1, Y1
	VPXOR Y4, Y4, Y4
	VPXOR Y7, Y7, Y7
	VPXOR Y2, Y2, Y2
	VPXOR Y5, Y5, Y5
	VPXOR Y8, Y8, Y8

w4xgroup3:
	MOVQ R10, R11
	MOVQ $4, R14

w4xvec3:
	W4X_LOADW
	W4X_MAC(0, Y0)
	W4X_MAC(4, Y1)
	W4X_MAC(8, Y2)
	ADDQ $64, BX
	ADDQ $12, SI
	ADDQ $12, DX
	DECQ R14
	JNZ  w4xnext3
	W4X_WIDEN(Y0, Y3)
	W4X_WIDEN(Y1, Y4)
	W4X_WIDEN(Y2, Y5)
	MOVQ $4, R14

w4xnext3:
	DECQ R11
	JNZ  w4xvec3

	// group done
	W4X_WIDEN(Y0, Y3)
	W4X_WIDEN(Y1, Y4)
	W4X_WIDEN(Y2, Y5)
	W4X_FACC(0, Y3, Y6)
	W4X_FACC(4, Y4, Y7)
	W4X_FACC(8, Y5, Y8)
	ADDQ $64, BX
	MOVQ DX, SI
	ADDQ R13, DX
	ADDQ $12, CX
	DECQ R8
	JNZ  w4xgroup3

	W4X_STORE(0, Y6)
	W4X_STORE(4, Y7)
	W4X_STORE(8, Y8)
	VZEROUPPER
	RET

// func gemmS4AVX2x2(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)
TEXT ·gemmS4AVX2x2(SB), NOSPLIT, $0-72
	W4X_ARGS
	VPXOR Y0, Y0, Y0
	VPXOR Y3, Y3, Y3
	VPXOR Y6, Y6, Y6
	VPXOR Y1, Y1, Y1
	VPXOR Y4, Y4, Y4
	VPXOR Y7, Y7, Y7

w4xgroup2:
	MOVQ R10, R11
	MOVQ $4, R14

w4xvec2:
	W4X_LOADW
	W4X_MAC(0, Y0)
	W4X_MAC(4, Y1)
	ADDQ $64, BX
	ADDQ $12, SI
	ADDQ $12, DX
	DECQ R14
	JNZ  w4xnext2
	W4X_WIDEN(Y0, Y3)
	W4X_WIDEN(Y1, Y4)
	MOVQ $4, R14

w4xnext2:
	DECQ R11
	JNZ  w4xvec2

	// group done
	W4X_WIDEN(Y0, Y3)
	W4X_WIDEN(Y1, Y4)
	W4X_FACC(0, Y3, Y6)
	W4X_FACC(4, Y4, Y7)
	ADDQ $64, BX
	MOVQ DX, SI
	ADDQ R13, DX
	ADDQ $12, CX
	DECQ R8
	JNZ  w4xgroup2

	W4X_STORE(0, Y6)
	W4X_STORE(4, Y7)
	VZEROUPPER
	RET

// func gemmS4AVX2x1(a *int8, corr *int32, b *byte, ng, nv, hioff int, c *float32, ldc int, sa *float32)
TEXT ·gemmS4AVX2x1(SB), NOSPLIT, $0-72
	W4X_ARGS
	VPXOR Y0, Y0, Y0
	VPXOR Y3, Y3, Y3
	VPXOR Y6, Y6, Y6

w4xgroup1:
	MOVQ R10, R11
	MOVQ $4, R14

w4xvec1:
	W4X_LOADW
	W4X_MAC(0, Y0)
	ADDQ $64, BX
	ADDQ $12, SI
	ADDQ $12, DX
	DECQ R14
	JNZ  w4xnext1
	W4X_WIDEN(Y0, Y3)
	MOVQ $4, R14

w4xnext1:
	DECQ R11
	JNZ  w4xvec1

	// group done
	W4X_WIDEN(Y0, Y3)
	W4X_FACC(0, Y3, Y6)
	ADDQ $64, BX
	MOVQ DX, SI
	ADDQ R13, DX
	ADDQ $12, CX
	DECQ R8
	JNZ  w4xgroup1

	W4X_STORE(0, Y6)
	VZEROUPPER
	RET
