//go:build !purego && !noasm

#include "textflag.h"

// func gemmS8SDOT4(a *int8, b *int8, kq int, acc *int32, ldacc int)
//
// SDOT by element (SDOT Vd.4S, Vn.16B, Vm.4B[i]) adds, in each int32 lane
// of Vd, the four byte products of that lane of Vn with the four bytes of
// lane i of Vm. One 16-byte load of the A block holds the k-quad of all
// four rows, so lane i is row i's activations, broadcast for free. The Go
// assembler lacks SDOT: it is written as WORD with the mnemonic beside it.
//
// Registers: R0 A block, R1 panel, R2 k-quads left, R3 acc, R4 acc row
// bytes, V16-V19 one k-quad of the panel (columns 0-3, 4-7, 8-11, 12-15),
// V20 the k-quad of the 4 rows, V0-V15 accumulators (row r, columns
// 4v..4v+3 in V(4r+v)).
TEXT ·gemmS8SDOT4(SB), NOSPLIT, $0-40
	MOVD a+0(FP), R0
	MOVD b+8(FP), R1
	MOVD kq+16(FP), R2
	MOVD acc+24(FP), R3
	MOVD ldacc+32(FP), R4
	LSL  $2, R4, R4
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

loop:
	VLD1.P 64(R1), [V16.B16, V17.B16, V18.B16, V19.B16]
	VLD1.P 16(R0), [V20.B16]
	// row 0
	WORD $0x4f94e200 // SDOT V0.4S, V16.16B, V20.4B[0]
	WORD $0x4f94e221 // SDOT V1.4S, V17.16B, V20.4B[0]
	WORD $0x4f94e242 // SDOT V2.4S, V18.16B, V20.4B[0]
	WORD $0x4f94e263 // SDOT V3.4S, V19.16B, V20.4B[0]
	// row 1
	WORD $0x4fb4e204 // SDOT V4.4S, V16.16B, V20.4B[1]
	WORD $0x4fb4e225 // SDOT V5.4S, V17.16B, V20.4B[1]
	WORD $0x4fb4e246 // SDOT V6.4S, V18.16B, V20.4B[1]
	WORD $0x4fb4e267 // SDOT V7.4S, V19.16B, V20.4B[1]
	// row 2
	WORD $0x4f94ea08 // SDOT V8.4S, V16.16B, V20.4B[2]
	WORD $0x4f94ea29 // SDOT V9.4S, V17.16B, V20.4B[2]
	WORD $0x4f94ea4a // SDOT V10.4S, V18.16B, V20.4B[2]
	WORD $0x4f94ea6b // SDOT V11.4S, V19.16B, V20.4B[2]
	// row 3
	WORD $0x4fb4ea0c // SDOT V12.4S, V16.16B, V20.4B[3]
	WORD $0x4fb4ea2d // SDOT V13.4S, V17.16B, V20.4B[3]
	WORD $0x4fb4ea4e // SDOT V14.4S, V18.16B, V20.4B[3]
	WORD $0x4fb4ea6f // SDOT V15.4S, V19.16B, V20.4B[3]
	SUBS $1, R2, R2
	BNE  loop

	VST1 [V0.S4, V1.S4, V2.S4, V3.S4], (R3)
	ADD  R4, R3, R3
	VST1 [V4.S4, V5.S4, V6.S4, V7.S4], (R3)
	ADD  R4, R3, R3
	VST1 [V8.S4, V9.S4, V10.S4, V11.S4], (R3)
	ADD  R4, R3, R3
	VST1 [V12.S4, V13.S4, V14.S4, V15.S4], (R3)
	RET
