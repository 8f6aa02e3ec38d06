//go:build !purego && !noasm

#include "textflag.h"

// One block for VDPBF16PS: 128 values of a (SI) and b (DI) in four zmm,
// pair p of the block into lane p of Z0..Z3 (16 lanes each). The four
// BYTE lines are, in order,
//
//	VDPBF16PS Z8, Z4, Z0
//	VDPBF16PS Z9, Z5, Z1
//	VDPBF16PS Z10, Z6, Z2
//	VDPBF16PS Z11, Z7, Z3
#define DP_BLOCK \
	VMOVDQU32 (SI), Z4; VMOVDQU32 64(SI), Z5; VMOVDQU32 128(SI), Z6; VMOVDQU32 192(SI), Z7; \
	VMOVDQU32 (DI), Z8; VMOVDQU32 64(DI), Z9; VMOVDQU32 128(DI), Z10; VMOVDQU32 192(DI), Z11; \
	BYTE $0x62; BYTE $0xd2; BYTE $0x5e; BYTE $0x48; BYTE $0x52; BYTE $0xc0; \
	BYTE $0x62; BYTE $0xd2; BYTE $0x56; BYTE $0x48; BYTE $0x52; BYTE $0xc9; \
	BYTE $0x62; BYTE $0xd2; BYTE $0x4e; BYTE $0x48; BYTE $0x52; BYTE $0xd2; \
	BYTE $0x62; BYTE $0xd2; BYTE $0x46; BYTE $0x48; BYTE $0x52; BYTE $0xdb

// func dotBF16AVX512(a, b *uint16, nblk int, ta, tb *uint16) float32
TEXT ·dotBF16AVX512(SB), NOSPLIT, $0-44
	MOVQ   a+0(FP), SI
	MOVQ   b+8(FP), DI
	MOVQ   nblk+16(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	TESTQ  CX, CX
	JZ     dp_tail

dp_loop:
	DP_BLOCK
	ADDQ $256, SI
	ADDQ $256, DI
	DECQ CX
	JNZ  dp_loop

	// The zero-padded tail block, if any.
dp_tail:
	MOVQ  ta+24(FP), SI
	TESTQ SI, SI
	JZ    dp_reduce
	MOVQ  tb+32(FP), DI
	DP_BLOCK

	// Halving sum: lanes l+32, l+16 (zmm adds), l+8, l+4, l+2, l+1.
dp_reduce:
	VADDPS        Z2, Z0, Z0
	VADDPS        Z3, Z1, Z1
	VADDPS        Z1, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPS        X1, X0, X0
	VMOVHLPS      X0, X1, X1
	VADDPS        X1, X0, X0
	VMOVSHDUP     X0, X1
	VADDSS        X1, X0, X0
	VZEROUPPER
	MOVSS         X0, ret+40(FP)
	RET

// Eight pairs at off(SI), off(DI) into the accumulator acc (8 lanes): the
// odd values (high halves, Y15 = 0xffff0000) first, then the even ones
// (low halves shifted up). The products are exact, so FMA rounds once,
// as the reference's add does.
#define FMA_PAIRS(off, acc) \
	VMOVDQU     off(SI), Y8; \
	VMOVDQU     off(DI), Y9; \
	VPAND       Y15, Y8, Y10; \
	VPAND       Y15, Y9, Y11; \
	VFMADD231PS Y11, Y10, acc; \
	VPSLLD      $16, Y8, Y8; \
	VPSLLD      $16, Y9, Y9; \
	VFMADD231PS Y9, Y8, acc

#define FMA_BLOCK \
	FMA_PAIRS(0, Y0); FMA_PAIRS(32, Y1); FMA_PAIRS(64, Y2); FMA_PAIRS(96, Y3); \
	FMA_PAIRS(128, Y4); FMA_PAIRS(160, Y5); FMA_PAIRS(192, Y6); FMA_PAIRS(224, Y7)

// func dotBF16AVX2(a, b *uint16, nblk int, ta, tb *uint16) float32
TEXT ·dotBF16AVX2(SB), NOSPLIT, $0-44
	MOVQ         a+0(FP), SI
	MOVQ         b+8(FP), DI
	MOVQ         nblk+16(FP), CX
	MOVL         $0xffff0000, AX
	VMOVD        AX, X15
	VPBROADCASTD X15, Y15
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VXORPS       Y3, Y3, Y3
	VXORPS       Y4, Y4, Y4
	VXORPS       Y5, Y5, Y5
	VXORPS       Y6, Y6, Y6
	VXORPS       Y7, Y7, Y7
	TESTQ        CX, CX
	JZ           fma_tail

fma_loop:
	FMA_BLOCK
	ADDQ $256, SI
	ADDQ $256, DI
	DECQ CX
	JNZ  fma_loop

	// The zero-padded tail block, if any.
fma_tail:
	MOVQ  ta+24(FP), SI
	TESTQ SI, SI
	JZ    fma_reduce
	MOVQ  tb+32(FP), DI
	FMA_BLOCK

	// Halving sum: lanes l+32, l+16, l+8 (ymm adds), l+4, l+2, l+1.
fma_reduce:
	VADDPS       Y4, Y0, Y0
	VADDPS       Y5, Y1, Y1
	VADDPS       Y6, Y2, Y2
	VADDPS       Y7, Y3, Y3
	VADDPS       Y2, Y0, Y0
	VADDPS       Y3, Y1, Y1
	VADDPS       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VMOVHLPS     X0, X1, X1
	VADDPS       X1, X0, X0
	VMOVSHDUP    X0, X1
	VADDSS       X1, X0, X0
	VZEROUPPER
	MOVSS        X0, ret+40(FP)
	RET
