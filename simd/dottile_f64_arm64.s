//go:build !purego && !noasm

#include "textflag.h"

// The Go assembler has no scalar FADDP; it is encoded as WORDs.

// func dotTileF64NEON(k int, a *float64, lda int, b *float64, ldb int, c *[8]float64)
TEXT ·dotTileF64NEON(SB), NOSPLIT, $0-48
	MOVD k+0(FP), R0
	MOVD a+8(FP), R1
	MOVD lda+16(FP), R2
	MOVD b+24(FP), R3
	MOVD ldb+32(FP), R4
	MOVD c+40(FP), R5
	LSL  $3, R2
	LSL  $3, R4
	ADD  R2, R1, R6 // row 1 of A
	ADD  R2, R6, R7 // row 2
	ADD  R2, R7, R8 // row 3
	ADD  R4, R3, R9 // row 1 of B
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16

	// 2 terms per iteration: accumulator 2i+j gets row i of A times row j of B.
loop:
	VLD1.P 16(R3), [V16.D2]
	VLD1.P 16(R9), [V17.D2]
	VLD1.P 16(R1), [V18.D2]
	VLD1.P 16(R6), [V19.D2]
	VLD1.P 16(R7), [V20.D2]
	VLD1.P 16(R8), [V21.D2]
	VFMLA  V16.D2, V18.D2, V0.D2
	VFMLA  V17.D2, V18.D2, V1.D2
	VFMLA  V16.D2, V19.D2, V2.D2
	VFMLA  V17.D2, V19.D2, V3.D2
	VFMLA  V16.D2, V20.D2, V4.D2
	VFMLA  V17.D2, V20.D2, V5.D2
	VFMLA  V16.D2, V21.D2, V6.D2
	VFMLA  V17.D2, V21.D2, V7.D2
	SUBS   $2, R0
	BNE    loop

	// Add the two lanes of each accumulator and store it.
	WORD  $0x7e70d800 // FADDP D0, V0.2D
	WORD  $0x7e70d821 // FADDP D1, V1.2D
	WORD  $0x7e70d842 // FADDP D2, V2.2D
	WORD  $0x7e70d863 // FADDP D3, V3.2D
	WORD  $0x7e70d884 // FADDP D4, V4.2D
	WORD  $0x7e70d8a5 // FADDP D5, V5.2D
	WORD  $0x7e70d8c6 // FADDP D6, V6.2D
	WORD  $0x7e70d8e7 // FADDP D7, V7.2D
	FMOVD F0, 0(R5)
	FMOVD F1, 8(R5)
	FMOVD F2, 16(R5)
	FMOVD F3, 24(R5)
	FMOVD F4, 32(R5)
	FMOVD F5, 40(R5)
	FMOVD F6, 48(R5)
	FMOVD F7, 56(R5)
	RET
