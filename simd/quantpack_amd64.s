//go:build !purego && !noasm

#include "textflag.h"
#include "hsum_amd64.h"

// func quantPackS8AVX512(dst *int8, stride int, x *float32, n int, inv float32, sums *int32, sstride int, group int)
//
// Quantizes one row of n floats (n a positive multiple of group, group a
// positive multiple of 16) to codes clamp(round-half-even(x·inv), ±127)
// and writes them straight into an interleaved A block: the i-th k-quad
// (4 codes) goes to dst + i·stride. For each group it stores Σcodes at
// sums + g·sstride (bytes). The codes equal quantizeS8's.
TEXT ·quantPackS8AVX512(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ stride+8(FP), R8
	MOVQ x+16(FP), SI
	MOVQ n+24(FP), CX
	VBROADCASTSS inv+32(FP), Z31
	MOVQ sums+40(FP), DX
	MOVQ sstride+48(FP), R9
	MOVQ group+56(FP), R10
	LEAQ (R8)(R8*2), R11 // 3·stride
	MOVL $-127, AX
	VPBROADCASTD AX, Z30
	MOVL $127, AX
	VPBROADCASTD AX, Z29

qpgroup:
	VPXORD Z28, Z28, Z28 // Σ codes of the group
	MOVQ   R10, BX

qploop: // 16 codes = 4 quads a step
	VMULPS    (SI), Z31, Z0
	VCVTPS2DQ Z0, Z0 // rounds half to even (MXCSR default)
	VPMAXSD   Z30, Z0, Z0
	VPMINSD   Z29, Z0, Z0
	VPADDD    Z0, Z28, Z28
	VPMOVDB   Z0, X1 // in range, no saturation
	VMOVD     X1, (DI)
	VPEXTRD   $1, X1, (DI)(R8*1)
	VPEXTRD   $2, X1, (DI)(R8*2)
	VPEXTRD   $3, X1, (DI)(R11*1)
	LEAQ      (DI)(R8*4), DI
	ADDQ      $64, SI
	SUBQ      $16, BX
	JNZ       qploop

	HSUMD512(Z28, Y28)
	MOVL          AX, (DX)
	ADDQ          R9, DX
	SUBQ          R10, CX
	JNZ           qpgroup
	VZEROUPPER
	RET
