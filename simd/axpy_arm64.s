//go:build !purego && !noasm

#include "textflag.h"

// y[i] += alpha*x[i], the product rounded before the add (no FMA), so the
// result matches axpyGeneric bit for bit. The Go assembler has no vector
// FADD/FMUL; they are encoded as WORDs.

// func axpyNEON(alpha float32, x, y []float32)
TEXT ·axpyNEON(SB), NOSPLIT, $0-56
	FMOVS alpha+0(FP), F0
	VDUP  V0.S[0], V0.S4
	MOVD  x_base+8(FP), R0
	MOVD  x_len+16(FP), R2
	MOVD  y_base+32(FP), R1

	// 16 floats per iteration.
loop16:
	CMP    $16, R2
	BLT    loop4
	VLD1.P 64(R0), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1   (R1), [V8.S4, V9.S4, V10.S4, V11.S4]
	WORD $0x6e20dc84 // FMUL V4.4S, V4.4S, V0.4S
	WORD $0x6e20dca5 // FMUL V5.4S, V5.4S, V0.4S
	WORD $0x6e20dcc6 // FMUL V6.4S, V6.4S, V0.4S
	WORD $0x6e20dce7 // FMUL V7.4S, V7.4S, V0.4S
	WORD $0x4e24d504 // FADD V4.4S, V8.4S, V4.4S
	WORD $0x4e25d525 // FADD V5.4S, V9.4S, V5.4S
	WORD $0x4e26d546 // FADD V6.4S, V10.4S, V6.4S
	WORD $0x4e27d567 // FADD V7.4S, V11.4S, V7.4S
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R1)
	SUB    $16, R2
	B      loop16

	// 4 floats at a time.
loop4:
	CMP    $4, R2
	BLT    tail
	VLD1.P 16(R0), [V4.S4]
	VLD1   (R1), [V8.S4]
	WORD $0x6e20dc84 // FMUL V4.4S, V4.4S, V0.4S
	WORD $0x4e24d504 // FADD V4.4S, V8.4S, V4.4S
	VST1.P [V4.S4], 16(R1)
	SUB    $4, R2
	B      loop4

	// Last 0..3 floats one by one.
tail:
	CBZ     R2, done
	FMOVS.P 4(R0), F4
	FMOVS   (R1), F5
	FMULS   F0, F4, F4
	FADDS   F4, F5, F5
	FMOVS.P F5, 4(R1)
	SUB     $1, R2
	B       tail

done:
	RET
