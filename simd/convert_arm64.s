//go:build !purego && !noasm

#include "textflag.h"

// The Go assembler has no vector FCVTL/FCVTN (nor CMHI): they are written
// as WORDs with the instruction in a comment. Conversions use FPCR's
// rounding mode, which Go leaves at round to nearest even, without
// flushing subnormals.

// func f16ToF32NEON(dst *float32, src *uint16, n int)
// n is a positive multiple of 16.
TEXT ·f16ToF32NEON(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD n+16(FP), R2

f16loop:
	VLD1.P 32(R1), [V0.H8, V1.H8]
	WORD   $0x0e217802 // FCVTL V2.4S, V0.4H
	WORD   $0x4e217803 // FCVTL2 V3.4S, V0.8H
	WORD   $0x0e217824 // FCVTL V4.4S, V1.4H
	WORD   $0x4e217825 // FCVTL2 V5.4S, V1.8H
	VST1.P [V2.S4, V3.S4, V4.S4, V5.S4], 64(R0)
	SUBS   $16, R2
	BNE    f16loop
	RET

// func f32ToF16NEON(dst *uint16, src *float32, n int)
// n is a positive multiple of 16.
TEXT ·f32ToF16NEON(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD n+16(FP), R2

tohloop:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD   $0x0e216804 // FCVTN V4.4H, V0.4S
	WORD   $0x4e216824 // FCVTN2 V4.8H, V1.4S
	WORD   $0x0e216845 // FCVTN V5.4H, V2.4S
	WORD   $0x4e216865 // FCVTN2 V5.8H, V3.4S
	VST1.P [V4.H8, V5.H8], 32(R0)
	SUBS   $16, R2
	BNE    tohloop
	RET

// func bf16ToF32NEON(dst *float32, src *uint16, n int)
// n is a positive multiple of 16. Interleaving with zeros (ZIP) puts each
// bfloat16 in the top half of a 32-bit lane.
TEXT ·bf16ToF32NEON(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD n+16(FP), R2
	VEOR V31.B16, V31.B16, V31.B16

bfloop:
	VLD1.P 32(R1), [V0.H8, V1.H8]
	VZIP1  V0.H8, V31.H8, V2.H8
	VZIP2  V0.H8, V31.H8, V3.H8
	VZIP1  V1.H8, V31.H8, V4.H8
	VZIP2  V1.H8, V31.H8, V5.H8
	VST1.P [V2.S4, V3.S4, V4.S4, V5.S4], 64(R0)
	SUBS   $16, R2
	BNE    bfloop
	RET

// func f32ToBF16NEON(dst *uint16, src *float32, n int)
// n is a positive multiple of 8. Round to nearest even in integers,
// x + 0x7fff + (x>>16 & 1); NaN lanes take x | 0x00400000 (quiet); the
// top halves of the lanes are the result (UZP2).
TEXT ·f32ToBF16NEON(SB), NOSPLIT, $0-24
	MOVD  dst+0(FP), R0
	MOVD  src+8(FP), R1
	MOVD  n+16(FP), R2
	MOVW  $1, R3
	VDUP  R3, V29.S4
	MOVW  $0x7fff, R3
	VDUP  R3, V30.S4
	MOVW  $0x7f800000, R3
	VDUP  R3, V28.S4
	MOVW  $0x7fffffff, R3
	VDUP  R3, V27.S4
	MOVW  $0x00400000, R3
	VDUP  R3, V26.S4

tobfloop:
	VLD1.P 32(R1), [V0.S4, V1.S4]
	VUSHR  $16, V0.S4, V2.S4
	VUSHR  $16, V1.S4, V3.S4
	VAND   V29.B16, V2.B16, V2.B16 // lsb of the kept part
	VAND   V29.B16, V3.B16, V3.B16
	VADD   V30.S4, V2.S4, V2.S4    // rounding bias
	VADD   V30.S4, V3.S4, V3.S4
	VADD   V0.S4, V2.S4, V2.S4
	VADD   V1.S4, V3.S4, V3.S4
	VAND   V27.B16, V0.B16, V4.B16 // |x|
	VAND   V27.B16, V1.B16, V5.B16
	WORD   $0x6ebc3484             // CMHI V4.4S, V4.4S, V28.4S (NaN: |x| > Inf bits)
	WORD   $0x6ebc34a5             // CMHI V5.4S, V5.4S, V28.4S
	VORR   V26.B16, V0.B16, V6.B16 // quiet NaN
	VORR   V26.B16, V1.B16, V7.B16
	VBIT   V4.B16, V6.B16, V2.B16  // NaN lanes from V6
	VBIT   V5.B16, V7.B16, V3.B16
	VUZP2  V3.H8, V2.H8, V8.H8     // top halves of V2 then V3
	VST1.P [V8.H8], 16(R0)
	SUBS   $8, R2
	BNE    tobfloop
	RET
