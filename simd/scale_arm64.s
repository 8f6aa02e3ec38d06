//go:build !purego && !noasm

#include "textflag.h"

// The Go assembler has no vector FMUL; it is encoded as a WORD.

// func scaleNEON(alpha float32, x []float32)
TEXT ·scaleNEON(SB), NOSPLIT, $0-32
	FMOVS alpha+0(FP), F0
	VDUP  V0.S[0], V0.S4
	MOVD  x_base+8(FP), R0
	MOVD  x_len+16(FP), R2

	// 16 floats per iteration.
loop16:
	CMP    $16, R2
	BLT    loop4
	VLD1   (R0), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD $0x6e20dc84 // FMUL V4.4S, V4.4S, V0.4S
	WORD $0x6e20dca5 // FMUL V5.4S, V5.4S, V0.4S
	WORD $0x6e20dcc6 // FMUL V6.4S, V6.4S, V0.4S
	WORD $0x6e20dce7 // FMUL V7.4S, V7.4S, V0.4S
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R0)
	SUB    $16, R2
	B      loop16

	// 4 floats at a time.
loop4:
	CMP    $4, R2
	BLT    tail
	VLD1   (R0), [V4.S4]
	WORD $0x6e20dc84 // FMUL V4.4S, V4.4S, V0.4S
	VST1.P [V4.S4], 16(R0)
	SUB    $4, R2
	B      loop4

	// Last 0..3 floats one by one.
tail:
	CBZ     R2, done
	FMOVS   (R0), F4
	FMULS   F0, F4, F4
	FMOVS.P F4, 4(R0)
	SUB     $1, R2
	B       tail

done:
	RET
