//go:build !purego && !noasm

#include "textflag.h"

// Register use of both kernels: rows of A at SI, R10, R11, R12; rows of B
// at DI, R13; accumulator 2i+j holds row i of A against row j of B; c at DX.

// HSUM512 adds the 8 lanes of z (whose low half is y) and stores the sum at
// off(DX): halves added down to one lane, low to high.
#define HSUM512(z, y, off) \
	VEXTRACTF64X4 $1, z, Y14; \
	VADDPD        Y14, y, Y14; \
	VEXTRACTF128  $1, Y14, X15; \
	VADDPD        X15, X14, X14; \
	VPERMILPD     $1, X14, X15; \
	VADDSD        X15, X14, X14; \
	VMOVSD        X14, off(DX)

// HSUM256 adds the 4 lanes of y (whose low half is x) and stores the sum at
// off(DX).
#define HSUM256(y, x, off) \
	VEXTRACTF128 $1, y, X14; \
	VADDPD       X14, x, X14; \
	VPERMILPD    $1, X14, X15; \
	VADDSD       X15, X14, X14; \
	VMOVSD       X14, off(DX)

// func dotTileF64AVX512(k int, a *float64, lda int, b *float64, ldb int, c *[8]float64)
TEXT ·dotTileF64AVX512(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	MOVQ c+40(FP), DX
	SHLQ $3, R8
	SHLQ $3, R9
	LEAQ (SI)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (DI)(R9*1), R13
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7

	// 8 terms per iteration: two B vectors against each of the four A rows.
loop:
	VMOVUPD     (DI), Z8
	VMOVUPD     (R13), Z9
	VMOVUPD     (SI), Z10
	VFMADD231PD Z8, Z10, Z0
	VFMADD231PD Z9, Z10, Z1
	VMOVUPD     (R10), Z11
	VFMADD231PD Z8, Z11, Z2
	VFMADD231PD Z9, Z11, Z3
	VMOVUPD     (R11), Z12
	VFMADD231PD Z8, Z12, Z4
	VFMADD231PD Z9, Z12, Z5
	VMOVUPD     (R12), Z13
	VFMADD231PD Z8, Z13, Z6
	VFMADD231PD Z9, Z13, Z7
	ADDQ        $64, SI
	ADDQ        $64, R10
	ADDQ        $64, R11
	ADDQ        $64, R12
	ADDQ        $64, DI
	ADDQ        $64, R13
	SUBQ        $8, CX
	JNZ         loop

	// Reduce each accumulator into c.
	HSUM512(Z0, Y0, 0)
	HSUM512(Z1, Y1, 8)
	HSUM512(Z2, Y2, 16)
	HSUM512(Z3, Y3, 24)
	HSUM512(Z4, Y4, 32)
	HSUM512(Z5, Y5, 40)
	HSUM512(Z6, Y6, 48)
	HSUM512(Z7, Y7, 56)
	VZEROUPPER
	RET

// func dotTileF64AVX2(k int, a *float64, lda int, b *float64, ldb int, c *[8]float64)
TEXT ·dotTileF64AVX2(SB), NOSPLIT, $0-48
	MOVQ   k+0(FP), CX
	MOVQ   a+8(FP), SI
	MOVQ   lda+16(FP), R8
	MOVQ   b+24(FP), DI
	MOVQ   ldb+32(FP), R9
	MOVQ   c+40(FP), DX
	SHLQ   $3, R8
	SHLQ   $3, R9
	LEAQ   (SI)(R8*1), R10
	LEAQ   (R10)(R8*1), R11
	LEAQ   (R11)(R8*1), R12
	LEAQ   (DI)(R9*1), R13
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7

	// 4 terms per iteration: two B vectors against each of the four A rows.
loop4:
	VMOVUPD     (DI), Y8
	VMOVUPD     (R13), Y9
	VMOVUPD     (SI), Y10
	VFMADD231PD Y8, Y10, Y0
	VFMADD231PD Y9, Y10, Y1
	VMOVUPD     (R10), Y11
	VFMADD231PD Y8, Y11, Y2
	VFMADD231PD Y9, Y11, Y3
	VMOVUPD     (R11), Y12
	VFMADD231PD Y8, Y12, Y4
	VFMADD231PD Y9, Y12, Y5
	VMOVUPD     (R12), Y13
	VFMADD231PD Y8, Y13, Y6
	VFMADD231PD Y9, Y13, Y7
	ADDQ        $32, SI
	ADDQ        $32, R10
	ADDQ        $32, R11
	ADDQ        $32, R12
	ADDQ        $32, DI
	ADDQ        $32, R13
	SUBQ        $4, CX
	JNZ         loop4

	// Reduce each accumulator into c.
	HSUM256(Y0, X0, 0)
	HSUM256(Y1, X1, 8)
	HSUM256(Y2, X2, 16)
	HSUM256(Y3, X3, 24)
	HSUM256(Y4, X4, 32)
	HSUM256(Y5, X5, 40)
	HSUM256(Y6, X6, 48)
	HSUM256(Y7, X7, 56)
	VZEROUPPER
	RET
