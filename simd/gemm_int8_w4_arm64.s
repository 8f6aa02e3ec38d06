//go:build !purego && !noasm

#include "textflag.h"

// func gemmS4SDOT4(a *int8, corr *int32, b *byte, ng, nv, hioff int, tile *float32)
//
// NEON W4A8: 4 rows × 16 columns. For each packed vector, AND gives the
// low k-quad's nibbles and a shift the high one's (both in [0, 15], so
// signed bytes); SDOT by element multiplies them by lane r of the 16-byte
// load of the A block (row r's four codes). Each row's int32 accumulators
// start at its bias term -8·Σa of the group. At the end of a group the
// sums are converted (SCVTF), multiplied by the group's column scales
// (FMUL) and added (FADD: two roundings, as the reference) to the float
// tile in memory (4 rows × 16, row-major), which the caller scales by the
// rows' activation scales. The Go assembler lacks SDOT, SCVTF and the
// vector FMUL/FADD: they are WORDs with the mnemonic beside them.
//
// Registers: R0 low k-quads (16 bytes each), R2 high k-quads, R4 their
// distance, R1 panel, R3 bias terms (16 bytes a group), R5 tile, R8 groups
// left, R10 vectors a group, R11 vectors left, V24 0x0f bytes, V16-V19 the
// packed vector then its high nibbles, V20-V23 low nibbles then the group
// scales, V25/V26 low/high activations, V27-V30 a float tile row,
// V0-V15 int32 accumulators (row r, columns 4v..4v+3 in V(4r+v)).
TEXT ·gemmS4SDOT4(SB), NOSPLIT, $0-56
	MOVD  a+0(FP), R0
	MOVD  corr+8(FP), R3
	MOVD  b+16(FP), R1
	MOVD  ng+24(FP), R8
	MOVD  nv+32(FP), R10
	MOVD  hioff+40(FP), R4
	MOVD  tile+48(FP), R5
	ADD   R4, R0, R2
	VMOVI $15, V24.B16

group:
	// int32 accumulators start at the rows' bias terms
	MOVWU 0(R3), R7
	VDUP  R7, V0.S4
	VDUP  R7, V1.S4
	VDUP  R7, V2.S4
	VDUP  R7, V3.S4
	MOVWU 4(R3), R7
	VDUP  R7, V4.S4
	VDUP  R7, V5.S4
	VDUP  R7, V6.S4
	VDUP  R7, V7.S4
	MOVWU 8(R3), R7
	VDUP  R7, V8.S4
	VDUP  R7, V9.S4
	VDUP  R7, V10.S4
	VDUP  R7, V11.S4
	MOVWU 12(R3), R7
	VDUP  R7, V12.S4
	VDUP  R7, V13.S4
	VDUP  R7, V14.S4
	VDUP  R7, V15.S4
	MOVD  R10, R11

vec:
	VLD1.P 64(R1), [V16.B16, V17.B16, V18.B16, V19.B16]
	VLD1.P 16(R0), [V25.B16]
	VLD1.P 16(R2), [V26.B16]
	VAND   V24.B16, V16.B16, V20.B16
	VAND   V24.B16, V17.B16, V21.B16
	VAND   V24.B16, V18.B16, V22.B16
	VAND   V24.B16, V19.B16, V23.B16
	VUSHR  $4, V16.B16, V16.B16
	VUSHR  $4, V17.B16, V17.B16
	VUSHR  $4, V18.B16, V18.B16
	VUSHR  $4, V19.B16, V19.B16
	// low k-quad
	WORD $0x4f99e280 // SDOT V0.4S, V20.16B, V25.4B[0]
	WORD $0x4f99e2a1 // SDOT V1.4S, V21.16B, V25.4B[0]
	WORD $0x4f99e2c2 // SDOT V2.4S, V22.16B, V25.4B[0]
	WORD $0x4f99e2e3 // SDOT V3.4S, V23.16B, V25.4B[0]
	WORD $0x4fb9e284 // SDOT V4.4S, V20.16B, V25.4B[1]
	WORD $0x4fb9e2a5 // SDOT V5.4S, V21.16B, V25.4B[1]
	WORD $0x4fb9e2c6 // SDOT V6.4S, V22.16B, V25.4B[1]
	WORD $0x4fb9e2e7 // SDOT V7.4S, V23.16B, V25.4B[1]
	WORD $0x4f99ea88 // SDOT V8.4S, V20.16B, V25.4B[2]
	WORD $0x4f99eaa9 // SDOT V9.4S, V21.16B, V25.4B[2]
	WORD $0x4f99eaca // SDOT V10.4S, V22.16B, V25.4B[2]
	WORD $0x4f99eaeb // SDOT V11.4S, V23.16B, V25.4B[2]
	WORD $0x4fb9ea8c // SDOT V12.4S, V20.16B, V25.4B[3]
	WORD $0x4fb9eaad // SDOT V13.4S, V21.16B, V25.4B[3]
	WORD $0x4fb9eace // SDOT V14.4S, V22.16B, V25.4B[3]
	WORD $0x4fb9eaef // SDOT V15.4S, V23.16B, V25.4B[3]
	// high k-quad
	WORD $0x4f9ae200 // SDOT V0.4S, V16.16B, V26.4B[0]
	WORD $0x4f9ae221 // SDOT V1.4S, V17.16B, V26.4B[0]
	WORD $0x4f9ae242 // SDOT V2.4S, V18.16B, V26.4B[0]
	WORD $0x4f9ae263 // SDOT V3.4S, V19.16B, V26.4B[0]
	WORD $0x4fbae204 // SDOT V4.4S, V16.16B, V26.4B[1]
	WORD $0x4fbae225 // SDOT V5.4S, V17.16B, V26.4B[1]
	WORD $0x4fbae246 // SDOT V6.4S, V18.16B, V26.4B[1]
	WORD $0x4fbae267 // SDOT V7.4S, V19.16B, V26.4B[1]
	WORD $0x4f9aea08 // SDOT V8.4S, V16.16B, V26.4B[2]
	WORD $0x4f9aea29 // SDOT V9.4S, V17.16B, V26.4B[2]
	WORD $0x4f9aea4a // SDOT V10.4S, V18.16B, V26.4B[2]
	WORD $0x4f9aea6b // SDOT V11.4S, V19.16B, V26.4B[2]
	WORD $0x4fbaea0c // SDOT V12.4S, V16.16B, V26.4B[3]
	WORD $0x4fbaea2d // SDOT V13.4S, V17.16B, V26.4B[3]
	WORD $0x4fbaea4e // SDOT V14.4S, V18.16B, V26.4B[3]
	WORD $0x4fbaea6f // SDOT V15.4S, V19.16B, V26.4B[3]
	SUBS $1, R11, R11
	BNE  vec

	// group done: tile row r += float32(sum)·scale
	VLD1.P 64(R1), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1   (R5), [V27.S4, V28.S4, V29.S4, V30.S4]
	WORD $0x4e21d800 // SCVTF	V0.4S, V0.4S
	WORD $0x4e21d821 // SCVTF	V1.4S, V1.4S
	WORD $0x4e21d842 // SCVTF	V2.4S, V2.4S
	WORD $0x4e21d863 // SCVTF	V3.4S, V3.4S
	WORD $0x6e34dc00 // FMUL	V0.4S, V0.4S, V20.4S
	WORD $0x6e35dc21 // FMUL	V1.4S, V1.4S, V21.4S
	WORD $0x6e36dc42 // FMUL	V2.4S, V2.4S, V22.4S
	WORD $0x6e37dc63 // FMUL	V3.4S, V3.4S, V23.4S
	WORD $0x4e20d77b // FADD	V27.4S, V27.4S, V0.4S
	WORD $0x4e21d79c // FADD	V28.4S, V28.4S, V1.4S
	WORD $0x4e22d7bd // FADD	V29.4S, V29.4S, V2.4S
	WORD $0x4e23d7de // FADD	V30.4S, V30.4S, V3.4S
	VST1.P [V27.S4, V28.S4, V29.S4, V30.S4], 64(R5)
	VLD1   (R5), [V27.S4, V28.S4, V29.S4, V30.S4]
	WORD $0x4e21d884 // SCVTF	V4.4S, V4.4S
	WORD $0x4e21d8a5 // SCVTF	V5.4S, V5.4S
	WORD $0x4e21d8c6 // SCVTF	V6.4S, V6.4S
	WORD $0x4e21d8e7 // SCVTF	V7.4S, V7.4S
	WORD $0x6e34dc84 // FMUL	V4.4S, V4.4S, V20.4S
	WORD $0x6e35dca5 // FMUL	V5.4S, V5.4S, V21.4S
	WORD $0x6e36dcc6 // FMUL	V6.4S, V6.4S, V22.4S
	WORD $0x6e37dce7 // FMUL	V7.4S, V7.4S, V23.4S
	WORD $0x4e24d77b // FADD	V27.4S, V27.4S, V4.4S
	WORD $0x4e25d79c // FADD	V28.4S, V28.4S, V5.4S
	WORD $0x4e26d7bd // FADD	V29.4S, V29.4S, V6.4S
	WORD $0x4e27d7de // FADD	V30.4S, V30.4S, V7.4S
	VST1.P [V27.S4, V28.S4, V29.S4, V30.S4], 64(R5)
	VLD1   (R5), [V27.S4, V28.S4, V29.S4, V30.S4]
	WORD $0x4e21d908 // SCVTF	V8.4S, V8.4S
	WORD $0x4e21d929 // SCVTF	V9.4S, V9.4S
	WORD $0x4e21d94a // SCVTF	V10.4S, V10.4S
	WORD $0x4e21d96b // SCVTF	V11.4S, V11.4S
	WORD $0x6e34dd08 // FMUL	V8.4S, V8.4S, V20.4S
	WORD $0x6e35dd29 // FMUL	V9.4S, V9.4S, V21.4S
	WORD $0x6e36dd4a // FMUL	V10.4S, V10.4S, V22.4S
	WORD $0x6e37dd6b // FMUL	V11.4S, V11.4S, V23.4S
	WORD $0x4e28d77b // FADD	V27.4S, V27.4S, V8.4S
	WORD $0x4e29d79c // FADD	V28.4S, V28.4S, V9.4S
	WORD $0x4e2ad7bd // FADD	V29.4S, V29.4S, V10.4S
	WORD $0x4e2bd7de // FADD	V30.4S, V30.4S, V11.4S
	VST1.P [V27.S4, V28.S4, V29.S4, V30.S4], 64(R5)
	VLD1   (R5), [V27.S4, V28.S4, V29.S4, V30.S4]
	WORD $0x4e21d98c // SCVTF	V12.4S, V12.4S
	WORD $0x4e21d9ad // SCVTF	V13.4S, V13.4S
	WORD $0x4e21d9ce // SCVTF	V14.4S, V14.4S
	WORD $0x4e21d9ef // SCVTF	V15.4S, V15.4S
	WORD $0x6e34dd8c // FMUL	V12.4S, V12.4S, V20.4S
	WORD $0x6e35ddad // FMUL	V13.4S, V13.4S, V21.4S
	WORD $0x6e36ddce // FMUL	V14.4S, V14.4S, V22.4S
	WORD $0x6e37ddef // FMUL	V15.4S, V15.4S, V23.4S
	WORD $0x4e2cd77b // FADD	V27.4S, V27.4S, V12.4S
	WORD $0x4e2dd79c // FADD	V28.4S, V28.4S, V13.4S
	WORD $0x4e2ed7bd // FADD	V29.4S, V29.4S, V14.4S
	WORD $0x4e2fd7de // FADD	V30.4S, V30.4S, V15.4S
	VST1.P [V27.S4, V28.S4, V29.S4, V30.S4], 64(R5)
	SUB  $256, R5, R5
	MOVD R2, R0 // next group's low k-quads follow this group's high ones
	ADD  R4, R0, R2
	ADD  $16, R3, R3
	SUBS $1, R8, R8
	BNE  group
	RET
