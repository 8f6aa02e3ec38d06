//go:build !purego && !noasm

#include "textflag.h"

// Horizontal sum of the 16 int32 lanes of Z0 into AX (clobbers Z1).
#define HSUM_Z0_AX \
	VEXTRACTI64X4 $1, Z0, Y1 \
	VPADDD        Y1, Y0, Y0 \
	VEXTRACTI128  $1, Y0, X1 \
	VPADDD        X1, X0, X0 \
	VPSHUFD       $0x4e, X0, X1 \
	VPADDD        X1, X0, X0 \
	VPSHUFD       $0xb1, X0, X1 \
	VPADDD        X1, X0, X0 \
	VMOVD         X0, AX

// Horizontal sum of the 8 int32 lanes of Y0 into AX (clobbers Y1).
#define HSUM_Y0_AX \
	VEXTRACTI128 $1, Y0, X1 \
	VPADDD       X1, X0, X0 \
	VPSHUFD      $0x4e, X0, X1 \
	VPADDD       X1, X0, X0 \
	VPSHUFD      $0xb1, X0, X1 \
	VPADDD       X1, X0, X0 \
	VMOVD        X0, AX

// func dotS8S8VNNI(a, b *int8, n int) int32
// n is a positive multiple of 64.
//
// VPDPBUSD multiplies unsigned by signed bytes, so a is biased to
// a+128 = a XOR 0x80 and the bias removed at the end:
// Σ a·b = Σ (a+128)·b - 128·Σ b, with Σ b taken by VPDPBUSD against ones.
// Both sums wrap modulo 2³², so the result equals the reference exactly.
TEXT ·dotS8S8VNNI(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	MOVL $0x80808080, AX
	VPBROADCASTD AX, Z31 // bias
	MOVL $0x01010101, AX
	VPBROADCASTD AX, Z30 // ones
	VPXORD Z2, Z2, Z2    // Σ (a+128)·b, even blocks
	VPXORD Z3, Z3, Z3    // Σ b, even blocks
	VPXORD Z4, Z4, Z4    // Σ (a+128)·b, odd blocks
	VPXORD Z5, Z5, Z5    // Σ b, odd blocks
	CMPQ CX, $128
	JLT  s8tail

s8loop2: // 128 bytes a step, two independent accumulator pairs
	VMOVDQU32 (SI), Z0
	VMOVDQU32 (DI), Z1
	VMOVDQU32 64(SI), Z6
	VMOVDQU32 64(DI), Z7
	VPXORD    Z31, Z0, Z0
	VPXORD    Z31, Z6, Z6
	VPDPBUSD  Z1, Z0, Z2
	VPDPBUSD  Z1, Z30, Z3
	VPDPBUSD  Z7, Z6, Z4
	VPDPBUSD  Z7, Z30, Z5
	ADDQ      $128, SI
	ADDQ      $128, DI
	SUBQ      $128, CX
	CMPQ      CX, $128
	JGE       s8loop2

s8tail: // at most one 64-byte block left
	TESTQ CX, CX
	JZ    s8done
	VMOVDQU32 (SI), Z0
	VMOVDQU32 (DI), Z1
	VPXORD    Z31, Z0, Z0
	VPDPBUSD  Z1, Z0, Z2
	VPDPBUSD  Z1, Z30, Z3

s8done: // Σ(a+128)·b - 128·Σb
	VPADDD Z4, Z2, Z2
	VPADDD Z5, Z3, Z3
	VPSLLD $7, Z3, Z3
	VPSUBD Z3, Z2, Z0
	HSUM_Z0_AX
	MOVL AX, ret+24(FP)
	VZEROUPPER
	RET

// func dotU8S8VNNI(a *uint8, b *int8, n int) int32
// n is a positive multiple of 64. One VPDPBUSD per 64 bytes.
TEXT ·dotU8S8VNNI(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VPXORD Z2, Z2, Z2
	VPXORD Z4, Z4, Z4
	CMPQ CX, $128
	JLT  u8tail

u8loop2:
	VMOVDQU32 (SI), Z0
	VMOVDQU32 64(SI), Z6
	VPDPBUSD  (DI), Z0, Z2
	VPDPBUSD  64(DI), Z6, Z4
	ADDQ      $128, SI
	ADDQ      $128, DI
	SUBQ      $128, CX
	CMPQ      CX, $128
	JGE       u8loop2

u8tail:
	TESTQ CX, CX
	JZ    u8done
	VMOVDQU32 (SI), Z0
	VPDPBUSD  (DI), Z0, Z2

u8done:
	VPADDD Z4, Z2, Z0
	HSUM_Z0_AX
	MOVL AX, ret+24(FP)
	VZEROUPPER
	RET

// func dotS8S8AVX2(a, b *int8, n int) int32
// n is a positive multiple of 32. Both operands are sign-extended to int16
// and multiplied by VPMADDWD: every product and pair sum fits int32, so
// nothing saturates for any input, -128 included.
TEXT ·dotS8S8AVX2(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3

s8avx2loop: // 32 bytes a step
	VPMOVSXBW (SI), Y0
	VPMOVSXBW (DI), Y1
	VPMOVSXBW 16(SI), Y4
	VPMOVSXBW 16(DI), Y5
	VPMADDWD  Y1, Y0, Y0
	VPMADDWD  Y5, Y4, Y4
	VPADDD    Y0, Y2, Y2
	VPADDD    Y4, Y3, Y3
	ADDQ      $32, SI
	ADDQ      $32, DI
	SUBQ      $32, CX
	JNZ       s8avx2loop

	VPADDD Y3, Y2, Y0
	HSUM_Y0_AX
	MOVL AX, ret+24(FP)
	VZEROUPPER
	RET

// func dotU8S8AVX2(a *uint8, b *int8, n int) int32
// n is a positive multiple of 32. a is zero-extended and b sign-extended to
// int16 before VPMADDWD, so nothing saturates.
TEXT ·dotU8S8AVX2(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3

u8avx2loop:
	VPMOVZXBW (SI), Y0
	VPMOVSXBW (DI), Y1
	VPMOVZXBW 16(SI), Y4
	VPMOVSXBW 16(DI), Y5
	VPMADDWD  Y1, Y0, Y0
	VPMADDWD  Y5, Y4, Y4
	VPADDD    Y0, Y2, Y2
	VPADDD    Y4, Y3, Y3
	ADDQ      $32, SI
	ADDQ      $32, DI
	SUBQ      $32, CX
	JNZ       u8avx2loop

	VPADDD Y3, Y2, Y0
	HSUM_Y0_AX
	MOVL AX, ret+24(FP)
	VZEROUPPER
	RET
