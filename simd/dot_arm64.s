//go:build !purego && !noasm

#include "textflag.h"

// The Go assembler has no vector FADD/FMUL/FADDP; they are encoded as WORDs.

// func dotNEON(x, y []float32) float32
TEXT ·dotNEON(SB), NOSPLIT, $0-52
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R2
	MOVD y_base+24(FP), R1
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V16.B16, V16.B16, V16.B16

	// 16 floats per iteration into four accumulators.
loop16:
	CMP    $16, R2
	BLT    loop4
	VLD1.P 64(R0), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P 64(R1), [V8.S4, V9.S4, V10.S4, V11.S4]
	VFMLA  V8.S4, V4.S4, V0.S4
	VFMLA  V9.S4, V5.S4, V1.S4
	VFMLA  V10.S4, V6.S4, V2.S4
	VFMLA  V11.S4, V7.S4, V3.S4
	SUB    $16, R2
	B      loop16

	// 4 floats at a time into the first accumulator.
loop4:
	CMP    $4, R2
	BLT    tail
	VLD1.P 16(R0), [V4.S4]
	VLD1.P 16(R1), [V8.S4]
	VFMLA  V8.S4, V4.S4, V0.S4
	SUB    $4, R2
	B      loop4

	// Last 0..3 floats into the scalar F16.
tail:
	CBZ     R2, reduce
	FMOVS.P 4(R0), F4
	FMOVS.P 4(R1), F5
	FMULS   F4, F5, F6
	FADDS   F6, F16, F16
	SUB     $1, R2
	B       tail

	// Pairwise sum of the accumulators, then across lanes, then the tail.
reduce:
	WORD $0x4e21d400 // FADD V0.4S, V0.4S, V1.4S
	WORD $0x4e23d442 // FADD V2.4S, V2.4S, V3.4S
	WORD $0x4e22d400 // FADD V0.4S, V0.4S, V2.4S
	WORD $0x6e20d400 // FADDP V0.4S, V0.4S, V0.4S
	WORD $0x7e30d800 // FADDP S0, V0.2S
	FADDS F16, F0, F0
	FMOVS F0, ret+48(FP)
	RET
