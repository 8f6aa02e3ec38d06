//go:build !purego && !noasm

#include "textflag.h"

// The Go assembler has no SDOT; it is written as WORD with the mnemonic in
// a comment (SDOT Vd.4S, Vn.16B, Vm.16B adds four byte products into each
// int32 lane of Vd).

// func dotS8S8SDOT(a, b *int8, n int) int32
// n is a positive multiple of 32.
TEXT ·dotS8S8SDOT(SB), NOSPLIT, $0-28
	MOVD a+0(FP), R0
	MOVD b+8(FP), R1
	MOVD n+16(FP), R2
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16

s8loop: // 32 bytes a step, two accumulators
	VLD1.P 32(R0), [V0.B16, V1.B16]
	VLD1.P 32(R1), [V2.B16, V3.B16]
	WORD   $0x4e829404 // SDOT V4.4S, V0.16B, V2.16B
	WORD   $0x4e839425 // SDOT V5.4S, V1.16B, V3.16B
	SUBS   $32, R2, R2
	BNE    s8loop

	VADD  V5.S4, V4.S4, V4.S4
	VADDV V4.S4, V4
	VMOV  V4.S[0], R3
	MOVW  R3, ret+24(FP)
	RET

// func dotU8S8SDOT(a *uint8, b *int8, n int) int32
// n is a positive multiple of 32. SDOT is signed by signed, so a is biased
// to a-128 = a XOR 0x80 (as int8) and the bias added back at the end:
// Σ a·b = Σ (a-128)·b + 128·Σ b, with Σ b taken by SDOT against ones. All
// sums wrap modulo 2³², so the result equals the reference exactly.
TEXT ·dotU8S8SDOT(SB), NOSPLIT, $0-28
	MOVD  a+0(FP), R0
	MOVD  b+8(FP), R1
	MOVD  n+16(FP), R2
	VMOVI $128, V6.B16 // bias
	VMOVI $1, V7.B16   // ones
	VEOR  V4.B16, V4.B16, V4.B16
	VEOR  V5.B16, V5.B16, V5.B16
	VEOR  V16.B16, V16.B16, V16.B16
	VEOR  V17.B16, V17.B16, V17.B16

u8loop:
	VLD1.P 32(R0), [V0.B16, V1.B16]
	VLD1.P 32(R1), [V2.B16, V3.B16]
	VEOR   V6.B16, V0.B16, V0.B16
	VEOR   V6.B16, V1.B16, V1.B16
	WORD   $0x4e829404 // SDOT V4.4S, V0.16B, V2.16B
	WORD   $0x4e839425 // SDOT V5.4S, V1.16B, V3.16B
	WORD   $0x4e8294f0 // SDOT V16.4S, V7.16B, V2.16B
	WORD   $0x4e8394f1 // SDOT V17.4S, V7.16B, V3.16B
	SUBS   $32, R2, R2
	BNE    u8loop

	VADD  V5.S4, V4.S4, V4.S4
	VADD  V17.S4, V16.S4, V16.S4
	VSHL  $7, V16.S4, V16.S4
	VADD  V16.S4, V4.S4, V4.S4
	VADDV V4.S4, V4
	VMOV  V4.S[0], R3
	MOVW  R3, ret+24(FP)
	RET
