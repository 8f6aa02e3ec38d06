//go:build !purego && !noasm

#include "textflag.h"
#include "hsum_amd64.h"

// VPERMD indices that undo the lane interleaving of VPACKSSDW+VPACKSSWB.
DATA packOrder<>+0(SB)/4, $0
DATA packOrder<>+4(SB)/4, $4
DATA packOrder<>+8(SB)/4, $1
DATA packOrder<>+12(SB)/4, $5
DATA packOrder<>+16(SB)/4, $2
DATA packOrder<>+20(SB)/4, $6
DATA packOrder<>+24(SB)/4, $3
DATA packOrder<>+28(SB)/4, $7
GLOBL packOrder<>(SB), RODATA|NOPTR, $32

// func absMaxF32AVX512(x *float32, n int) float32
// n is a positive multiple of 16. Four accumulators over 64 values a
// step hide the latency of VMAXPS; max is exact, so the order does not
// matter.
TEXT ·absMaxF32AVX512(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVL $0x7fffffff, AX
	VPBROADCASTD AX, Z31 // clears the sign bit
	VPXORD Z0, Z0, Z0
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	CMPQ CX, $64
	JLT  tail512

loop512x4:
	VPANDD (SI), Z31, Z1
	VMAXPS Z1, Z0, Z0
	VPANDD 64(SI), Z31, Z1
	VMAXPS Z1, Z2, Z2
	VPANDD 128(SI), Z31, Z1
	VMAXPS Z1, Z3, Z3
	VPANDD 192(SI), Z31, Z1
	VMAXPS Z1, Z4, Z4
	ADDQ   $256, SI
	SUBQ   $64, CX
	CMPQ   CX, $64
	JGE    loop512x4
	VMAXPS Z2, Z0, Z0
	VMAXPS Z4, Z3, Z3
	VMAXPS Z3, Z0, Z0

tail512:
	TESTQ CX, CX
	JZ    reduce512

loop512:
	VPANDD (SI), Z31, Z1
	VMAXPS Z1, Z0, Z0
	ADDQ   $64, SI
	SUBQ   $16, CX
	JNZ    loop512

reduce512: // 16 lanes to one
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VMAXPS        X1, X0, X0
	VPSHUFD       $0x4e, X0, X1
	VMAXPS        X1, X0, X0
	VPSHUFD       $0xb1, X0, X1
	VMAXPS        X1, X0, X0
	VMOVSS        X0, ret+16(FP)
	VZEROUPPER
	RET

// func absMaxF32AVX2(x *float32, n int) float32
// n is a positive multiple of 8; four accumulators as above.
TEXT ·absMaxF32AVX2(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVL $0x7fffffff, AX
	VMOVD AX, X15
	VPBROADCASTD X15, Y15
	VXORPS Y0, Y0, Y0
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	CMPQ CX, $32
	JLT  tail256

loop256x4:
	VANDPS (SI), Y15, Y1
	VMAXPS Y1, Y0, Y0
	VANDPS 32(SI), Y15, Y1
	VMAXPS Y1, Y2, Y2
	VANDPS 64(SI), Y15, Y1
	VMAXPS Y1, Y3, Y3
	VANDPS 96(SI), Y15, Y1
	VMAXPS Y1, Y4, Y4
	ADDQ   $128, SI
	SUBQ   $32, CX
	CMPQ   CX, $32
	JGE    loop256x4
	VMAXPS Y2, Y0, Y0
	VMAXPS Y4, Y3, Y3
	VMAXPS Y3, Y0, Y0

tail256:
	TESTQ CX, CX
	JZ    reduce256

loop256:
	VANDPS (SI), Y15, Y1
	VMAXPS Y1, Y0, Y0
	ADDQ   $32, SI
	SUBQ   $8, CX
	JNZ    loop256

reduce256:
	VEXTRACTF128 $1, Y0, X1
	VMAXPS       X1, X0, X0
	VPSHUFD      $0x4e, X0, X1
	VMAXPS       X1, X0, X0
	VPSHUFD      $0xb1, X0, X1
	VMAXPS       X1, X0, X0
	VMOVSS       X0, ret+16(FP)
	VZEROUPPER
	RET

// func quantizeS8AVX512(q *int8, x *float32, n int, inv float32) int32
// n is a positive multiple of 16. q = clamp(round-half-even(x·inv)), and
// the sum of the codes is returned.
TEXT ·quantizeS8AVX512(SB), NOSPLIT, $0-36
	MOVQ q+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS inv+24(FP), Z31
	MOVL $-127, AX
	VPBROADCASTD AX, Z30
	MOVL $127, AX
	VPBROADCASTD AX, Z29
	VPXORD Z28, Z28, Z28 // Σ q

qloop512:
	VMULPS    (SI), Z31, Z0
	VCVTPS2DQ Z0, Z0      // rounds half to even (MXCSR default)
	VPMAXSD   Z30, Z0, Z0
	VPMINSD   Z29, Z0, Z0
	VPADDD    Z0, Z28, Z28
	VPMOVDB   Z0, (DI)    // 16 codes, in range so no saturation
	ADDQ      $64, SI
	ADDQ      $16, DI
	SUBQ      $16, CX
	JNZ       qloop512

	HSUMD512(Z28, Y28)
	MOVL          AX, ret+32(FP)
	VZEROUPPER
	RET

// func quantizeS8AVX2(q *int8, x *float32, n int, inv float32) int32
// n is a positive multiple of 32.
TEXT ·quantizeS8AVX2(SB), NOSPLIT, $0-36
	MOVQ q+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS inv+24(FP), Y15
	MOVL  $-127, AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14
	MOVL  $127, AX
	VMOVD AX, X13
	VPBROADCASTD X13, Y13
	VMOVDQU packOrder<>(SB), Y12
	VPXOR Y11, Y11, Y11 // Σ q

qloop256: // 32 values a step
	VMULPS    (SI), Y15, Y0
	VMULPS    32(SI), Y15, Y1
	VMULPS    64(SI), Y15, Y2
	VMULPS    96(SI), Y15, Y3
	VCVTPS2DQ Y0, Y0
	VCVTPS2DQ Y1, Y1
	VCVTPS2DQ Y2, Y2
	VCVTPS2DQ Y3, Y3
	VPMAXSD   Y14, Y0, Y0
	VPMAXSD   Y14, Y1, Y1
	VPMAXSD   Y14, Y2, Y2
	VPMAXSD   Y14, Y3, Y3
	VPMINSD   Y13, Y0, Y0
	VPMINSD   Y13, Y1, Y1
	VPMINSD   Y13, Y2, Y2
	VPMINSD   Y13, Y3, Y3
	VPADDD    Y0, Y11, Y11
	VPADDD    Y1, Y11, Y11
	VPADDD    Y2, Y11, Y11
	VPADDD    Y3, Y11, Y11

	// narrow to bytes; the packs work per 128-bit lane, VPERMD restores order
	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	VPACKSSWB Y2, Y0, Y0
	VPERMD    Y0, Y12, Y0
	VMOVDQU   Y0, (DI)
	ADDQ      $128, SI
	ADDQ      $32, DI
	SUBQ      $32, CX
	JNZ       qloop256

	VEXTRACTI128 $1, Y11, X1
	VPADDD       X1, X11, X0
	VPSHUFD      $0x4e, X0, X1
	VPADDD       X1, X0, X0
	VPSHUFD      $0xb1, X0, X1
	VPADDD       X1, X0, X0
	VMOVD        X0, AX
	MOVL         AX, ret+32(FP)
	VZEROUPPER
	RET
