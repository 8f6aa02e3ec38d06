//go:build !purego && !noasm

#include "textflag.h"

// Four pairs of a (ta) and b (tb) into the accumulator acc (4 lanes):
// odd values (high halves, V31 = 0xffff0000) first, then the even ones
// shifted up. The products are exact, so FMLA rounds once, as the
// reference's add does.
#define PAIRS(ta, tb, acc) \
	VAND  V31.B16, ta.B16, V24.B16; \
	VAND  V31.B16, tb.B16, V25.B16; \
	VFMLA V25.S4, V24.S4, acc.S4; \
	VSHL  $16, ta.S4, V26.S4; \
	VSHL  $16, tb.S4, V27.S4; \
	VFMLA V27.S4, V26.S4, acc.S4

// Sixteen pairs from R0 and R1 (post-incremented) into V(a)..V(a+3).
#define QUARTER(a0, a1, a2, a3) \
	VLD1.P 64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]; \
	VLD1.P 64(R1), [V20.S4, V21.S4, V22.S4, V23.S4]; \
	PAIRS(V16, V20, a0); PAIRS(V17, V21, a1); PAIRS(V18, V22, a2); PAIRS(V19, V23, a3)

// One block of 128 values: pair p into lane p, register V(p/4).
#define BLOCK \
	QUARTER(V0, V1, V2, V3); QUARTER(V4, V5, V6, V7); \
	QUARTER(V8, V9, V10, V11); QUARTER(V12, V13, V14, V15)

// func dotBF16NEON(a, b *uint16, nblk int, ta, tb *uint16) float32
TEXT ·dotBF16NEON(SB), NOSPLIT, $0-44
	MOVD a+0(FP), R0
	MOVD b+8(FP), R1
	MOVD nblk+16(FP), R2
	MOVW $0xffff0000, R3
	VDUP R3, V31.S4
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16
	VEOR V13.B16, V13.B16, V13.B16
	VEOR V14.B16, V14.B16, V14.B16
	VEOR V15.B16, V15.B16, V15.B16
	CBZ  R2, tail

loop:
	BLOCK
	SUBS $1, R2
	BNE  loop

	// The zero-padded tail block, if any.
tail:
	MOVD ta+24(FP), R0
	CBZ  R0, reduce
	MOVD tb+32(FP), R1
	BLOCK

	// Halving sum: lanes l+32, l+16, l+8, l+4 (vector FADD, written as
	// WORDs), l+2 (EXT by 8 bytes), l+1 (FADDP).
reduce:
	WORD $0x4e28d400 // FADD V0.4S, V0.4S, V8.4S
	WORD $0x4e29d421 // FADD V1.4S, V1.4S, V9.4S
	WORD $0x4e2ad442 // FADD V2.4S, V2.4S, V10.4S
	WORD $0x4e2bd463 // FADD V3.4S, V3.4S, V11.4S
	WORD $0x4e2cd484 // FADD V4.4S, V4.4S, V12.4S
	WORD $0x4e2dd4a5 // FADD V5.4S, V5.4S, V13.4S
	WORD $0x4e2ed4c6 // FADD V6.4S, V6.4S, V14.4S
	WORD $0x4e2fd4e7 // FADD V7.4S, V7.4S, V15.4S
	WORD $0x4e24d400 // FADD V0.4S, V0.4S, V4.4S
	WORD $0x4e25d421 // FADD V1.4S, V1.4S, V5.4S
	WORD $0x4e26d442 // FADD V2.4S, V2.4S, V6.4S
	WORD $0x4e27d463 // FADD V3.4S, V3.4S, V7.4S
	WORD $0x4e22d400 // FADD V0.4S, V0.4S, V2.4S
	WORD $0x4e23d421 // FADD V1.4S, V1.4S, V3.4S
	WORD $0x4e21d400 // FADD V0.4S, V0.4S, V1.4S
	VEXT $8, V0.B16, V0.B16, V1.B16
	WORD $0x4e21d400 // FADD V0.4S, V0.4S, V1.4S
	WORD $0x7e30d800 // FADDP S0, V0.2S
	FMOVS F0, ret+40(FP)
	RET
