//go:build !purego && !noasm

#include "textflag.h"

// The Go assembler has no vector FADD; it is encoded as a WORD.

// func addNEON(dst, a, b []float32)
TEXT ·addNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R3
	MOVD dst_len+8(FP), R2
	MOVD a_base+24(FP), R0
	MOVD b_base+48(FP), R1

	// 16 floats per iteration.
loop16:
	CMP    $16, R2
	BLT    loop4
	VLD1.P 64(R0), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P 64(R1), [V8.S4, V9.S4, V10.S4, V11.S4]
	WORD $0x4e28d484 // FADD V4.4S, V4.4S, V8.4S
	WORD $0x4e29d4a5 // FADD V5.4S, V5.4S, V9.4S
	WORD $0x4e2ad4c6 // FADD V6.4S, V6.4S, V10.4S
	WORD $0x4e2bd4e7 // FADD V7.4S, V7.4S, V11.4S
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R3)
	SUB    $16, R2
	B      loop16

	// 4 floats at a time.
loop4:
	CMP    $4, R2
	BLT    tail
	VLD1.P 16(R0), [V4.S4]
	VLD1.P 16(R1), [V8.S4]
	WORD $0x4e28d484 // FADD V4.4S, V4.4S, V8.4S
	VST1.P [V4.S4], 16(R3)
	SUB    $4, R2
	B      loop4

	// Last 0..3 floats one by one.
tail:
	CBZ     R2, done
	FMOVS.P 4(R0), F4
	FMOVS.P 4(R1), F5
	FADDS   F5, F4, F4
	FMOVS.P F4, 4(R3)
	SUB     $1, R2
	B       tail

done:
	RET
