//go:build !purego && !noasm

#include "textflag.h"

// dotRows4AVX512 computes out[r] = x·y[r*ldy:] for rows r = 0..3 with the
// lane structure of dotAVX512 for each row (four 16-wide accumulators
// over 64-float chunks, 16-float chunks into the first, the masked tail
// into the second, the same pairwise reduction), so every result has the
// bits of Dot; x is loaded once for the four rows.
// Row r accumulates in Z(4r)..Z(4r+3); x chunks sit in Z16..Z19.

// func dotRows4AVX512(x, y *float32, ldy, n int, out *float32)
TEXT ·dotRows4AVX512(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), R8
	MOVQ ldy+16(FP), AX
	SHLQ $2, AX
	MOVQ n+24(FP), CX
	MOVQ out+32(FP), DI
	LEAQ (R8)(AX*1), R9
	LEAQ (R9)(AX*1), R10
	LEAQ (R10)(AX*1), R11
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

	// 64 floats per iteration.
loop64:
	CMPQ CX, $64
	JB   loop16
	VMOVUPS 0(SI), Z16
	VMOVUPS 64(SI), Z17
	VMOVUPS 128(SI), Z18
	VMOVUPS 192(SI), Z19
	VFMADD231PS 0(R8), Z16, Z0
	VFMADD231PS 64(R8), Z17, Z1
	VFMADD231PS 128(R8), Z18, Z2
	VFMADD231PS 192(R8), Z19, Z3
	VFMADD231PS 0(R9), Z16, Z4
	VFMADD231PS 64(R9), Z17, Z5
	VFMADD231PS 128(R9), Z18, Z6
	VFMADD231PS 192(R9), Z19, Z7
	VFMADD231PS 0(R10), Z16, Z8
	VFMADD231PS 64(R10), Z17, Z9
	VFMADD231PS 128(R10), Z18, Z10
	VFMADD231PS 192(R10), Z19, Z11
	VFMADD231PS 0(R11), Z16, Z12
	VFMADD231PS 64(R11), Z17, Z13
	VFMADD231PS 128(R11), Z18, Z14
	VFMADD231PS 192(R11), Z19, Z15
	ADDQ $256, SI
	ADDQ $256, R8
	ADDQ $256, R9
	ADDQ $256, R10
	ADDQ $256, R11
	SUBQ $64, CX
	JMP  loop64

	// 16 floats at a time into the first accumulator of each row.
loop16:
	CMPQ CX, $16
	JB   tail
	VMOVUPS (SI), Z16
	VFMADD231PS (R8), Z16, Z0
	VFMADD231PS (R9), Z16, Z4
	VFMADD231PS (R10), Z16, Z8
	VFMADD231PS (R11), Z16, Z12
	ADDQ $64, SI
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, R10
	ADDQ $64, R11
	SUBQ $16, CX
	JMP  loop16

	// Last 0..15 floats under a mask into the second accumulator.
tail:
	TESTQ CX, CX
	JZ    reduce
	MOVL  $1, DX
	SHLL  CX, DX
	DECL  DX
	KMOVW DX, K1
	VMOVUPS.Z (SI), K1, Z16
	VMOVUPS.Z (R8), K1, Z17
	VFMADD231PS Z17, Z16, Z1
	VMOVUPS.Z (R9), K1, Z17
	VFMADD231PS Z17, Z16, Z5
	VMOVUPS.Z (R10), K1, Z17
	VFMADD231PS Z17, Z16, Z9
	VMOVUPS.Z (R11), K1, Z17
	VFMADD231PS Z17, Z16, Z13

	// Per row: pairwise sum of the accumulators, then across lanes.
reduce:
	VADDPS        Z1, Z0, Z0
	VADDPS        Z3, Z2, Z2
	VADDPS        Z2, Z0, Z0
	VEXTRACTF32X8 $1, Z0, Y20
	VADDPS        Y20, Y0, Y0
	VEXTRACTF32X4 $1, Y0, X20
	VADDPS        X20, X0, X0
	VMOVHLPS      X0, X0, X20
	VADDPS        X20, X0, X0
	VMOVSHDUP     X0, X20
	VADDSS        X20, X0, X0
	VMOVSS        X0, 0(DI)
	VADDPS        Z5, Z4, Z4
	VADDPS        Z7, Z6, Z6
	VADDPS        Z6, Z4, Z4
	VEXTRACTF32X8 $1, Z4, Y20
	VADDPS        Y20, Y4, Y4
	VEXTRACTF32X4 $1, Y4, X20
	VADDPS        X20, X4, X4
	VMOVHLPS      X4, X4, X20
	VADDPS        X20, X4, X4
	VMOVSHDUP     X4, X20
	VADDSS        X20, X4, X4
	VMOVSS        X4, 4(DI)
	VADDPS        Z9, Z8, Z8
	VADDPS        Z11, Z10, Z10
	VADDPS        Z10, Z8, Z8
	VEXTRACTF32X8 $1, Z8, Y20
	VADDPS        Y20, Y8, Y8
	VEXTRACTF32X4 $1, Y8, X20
	VADDPS        X20, X8, X8
	VMOVHLPS      X8, X8, X20
	VADDPS        X20, X8, X8
	VMOVSHDUP     X8, X20
	VADDSS        X20, X8, X8
	VMOVSS        X8, 8(DI)
	VADDPS        Z13, Z12, Z12
	VADDPS        Z15, Z14, Z14
	VADDPS        Z14, Z12, Z12
	VEXTRACTF32X8 $1, Z12, Y20
	VADDPS        Y20, Y12, Y12
	VEXTRACTF32X4 $1, Y12, X20
	VADDPS        X20, X12, X12
	VMOVHLPS      X12, X12, X20
	VADDPS        X20, X12, X12
	VMOVSHDUP     X12, X20
	VADDSS        X20, X12, X12
	VMOVSS        X12, 12(DI)
	VZEROUPPER
	RET
