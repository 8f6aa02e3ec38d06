//go:build !purego && !noasm

#include "textflag.h"

// Constants of expGeneric (exp_generic.go) as float32 bits.
DATA expConst<>+0(SB)/4, $0x3fb8aa3b  // log2(e)
DATA expConst<>+4(SB)/4, $0x3f318000  // ln2 high part 0.693359375
DATA expConst<>+8(SB)/4, $0xb95e8083  // ln2 low part -2.12194440e-4
DATA expConst<>+12(SB)/4, $0x39506967 // p0 1.9875691500e-4
DATA expConst<>+16(SB)/4, $0x3ab743ce // p1 1.3981999507e-3
DATA expConst<>+20(SB)/4, $0x3c088908 // p2 8.3334519073e-3
DATA expConst<>+24(SB)/4, $0x3d2aa9c1 // p3 4.1665795894e-2
DATA expConst<>+28(SB)/4, $0x3e2aaaaa // p4 1.6666665459e-1
DATA expConst<>+32(SB)/4, $0x3f000000 // p5 5.0000001201e-1
DATA expConst<>+36(SB)/4, $0x3f800000 // 1
DATA expConst<>+40(SB)/4, $0x42b0c0a5 // hi 88.3762626647949: above, +Inf
DATA expConst<>+44(SB)/4, $0xc2aeac50 // lo -87.3365447505531: below, 0
DATA expConst<>+48(SB)/4, $0x7f800000 // +Inf
DATA expConst<>+52(SB)/4, $0x80000000 // sign bit
DATA expConst<>+56(SB)/4, $127        // exponent bias
GLOBL expConst<>(SB), RODATA|NOPTR, $60

// ---- AVX-512 ----

// LOADEXP512 broadcasts the constants: Z16 log2e, Z17 ln2hi, Z18 ln2lo,
// Z19..Z24 p0..p5, Z25 one, Z26 hi, Z27 lo, Z28 +Inf, Z31 sign bit.
#define LOADEXP512 \
	VBROADCASTSS expConst<>+0(SB), Z16; \
	VBROADCASTSS expConst<>+4(SB), Z17; \
	VBROADCASTSS expConst<>+8(SB), Z18; \
	VBROADCASTSS expConst<>+12(SB), Z19; \
	VBROADCASTSS expConst<>+16(SB), Z20; \
	VBROADCASTSS expConst<>+20(SB), Z21; \
	VBROADCASTSS expConst<>+24(SB), Z22; \
	VBROADCASTSS expConst<>+28(SB), Z23; \
	VBROADCASTSS expConst<>+32(SB), Z24; \
	VBROADCASTSS expConst<>+36(SB), Z25; \
	VBROADCASTSS expConst<>+40(SB), Z26; \
	VBROADCASTSS expConst<>+44(SB), Z27; \
	VBROADCASTSS expConst<>+48(SB), Z28; \
	VBROADCASTSS expConst<>+52(SB), Z31

// EXP512 sets Z3 = e^Z0 (16 lanes), with Z1, Z2, Z4, K1, K2 as scratch:
// x clamped to [lo, hi] (NaN kept), n = round(x·log2e), r = x − n·ln2,
// the polynomial in r by Horner's rule, y = p·r² + r + 1, y·2ⁿ; then 0
// where x < lo and +Inf where x > hi.
#define EXP512 \
	VMINPS       Z0, Z26, Z1; \
	VMAXPS       Z1, Z27, Z1; \
	VMULPS       Z16, Z1, Z2; \
	VRNDSCALEPS  $0, Z2, Z2; \
	VFNMADD231PS Z17, Z2, Z1; \
	VFNMADD231PS Z18, Z2, Z1; \
	VMOVAPS      Z19, Z3; \
	VFMADD213PS  Z20, Z1, Z3; \
	VFMADD213PS  Z21, Z1, Z3; \
	VFMADD213PS  Z22, Z1, Z3; \
	VFMADD213PS  Z23, Z1, Z3; \
	VFMADD213PS  Z24, Z1, Z3; \
	VMULPS       Z1, Z1, Z4; \
	VFMADD213PS  Z1, Z4, Z3; \
	VADDPS       Z25, Z3, Z3; \
	VSCALEFPS    Z2, Z3, Z3; \
	VCMPPS       $5, Z27, Z0, K1; \
	VMOVAPS.Z    Z3, K1, Z3; \
	VCMPPS       $14, Z26, Z0, K2; \
	VMOVAPS      Z28, K2, Z3

// func expSumAVX512(x *float32, n int, m float32) float32
TEXT ·expSumAVX512(SB), NOSPLIT, $0-28
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS m+16(FP), Z29
	LOADEXP512
	VPXORD       Z30, Z30, Z30

	// 16 elements per iteration: x = e^(x−m), summed into Z30.
loop:
	VMOVUPS (SI), Z0
	VSUBPS  Z29, Z0, Z0
	EXP512
	VMOVUPS Z3, (SI)
	VADDPS  Z3, Z30, Z30
	ADDQ    $64, SI
	SUBQ    $16, CX
	JNZ     loop

	// Sum of the lanes: halves added down to one.
	VEXTRACTF32X8 $1, Z30, Y1
	VADDPS        Y1, Y30, Y1
	VEXTRACTF128  $1, Y1, X2
	VADDPS        X2, X1, X1
	VMOVHLPS      X1, X1, X2
	VADDPS        X2, X1, X1
	VMOVSHDUP     X1, X2
	VADDSS        X2, X1, X1
	VMOVSS        X1, ret+24(FP)
	VZEROUPPER
	RET

// func siluMulAVX512(dst, gate, up *float32, n int)
TEXT ·siluMulAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ gate+8(FP), SI
	MOVQ up+16(FP), DX
	MOVQ n+24(FP), CX
	LOADEXP512

	// 16 elements per iteration: g/(1+e^−g), times u when there is one.
loop:
	VMOVUPS (SI), Z5
	VXORPS  Z31, Z5, Z0
	EXP512
	VADDPS  Z25, Z3, Z3
	VDIVPS  Z3, Z5, Z3
	TESTQ   DX, DX
	JZ      store
	VMULPS  (DX), Z3, Z3
	ADDQ    $64, DX

store:
	VMOVUPS Z3, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     loop
	VZEROUPPER
	RET

// ---- AVX2 ----

// LOADEXP256 broadcasts the constants kept in registers: Y15 hi, Y14 lo,
// Y13 log2e, Y12 ln2hi, Y11 ln2lo, Y10 one, Y9 exponent bias (int32).
#define LOADEXP256 \
	VBROADCASTSS expConst<>+40(SB), Y15; \
	VBROADCASTSS expConst<>+44(SB), Y14; \
	VBROADCASTSS expConst<>+0(SB), Y13; \
	VBROADCASTSS expConst<>+4(SB), Y12; \
	VBROADCASTSS expConst<>+8(SB), Y11; \
	VBROADCASTSS expConst<>+36(SB), Y10; \
	VPBROADCASTD expConst<>+56(SB), Y9

// EXP256 sets Y3 = e^Y0 (8 lanes), with Y1, Y2, Y4, Y6 as scratch: the
// steps of EXP512, with 2ⁿ built in the exponent field (n is in
// [-126, 127] after the clamp) and the limits applied by mask and blend.
#define EXP256 \
	VMINPS       Y0, Y15, Y1; \
	VMAXPS       Y1, Y14, Y1; \
	VMULPS       Y13, Y1, Y2; \
	VROUNDPS     $0, Y2, Y2; \
	VFNMADD231PS Y12, Y2, Y1; \
	VFNMADD231PS Y11, Y2, Y1; \
	VBROADCASTSS expConst<>+12(SB), Y3; \
	VBROADCASTSS expConst<>+16(SB), Y4; \
	VFMADD213PS  Y4, Y1, Y3; \
	VBROADCASTSS expConst<>+20(SB), Y4; \
	VFMADD213PS  Y4, Y1, Y3; \
	VBROADCASTSS expConst<>+24(SB), Y4; \
	VFMADD213PS  Y4, Y1, Y3; \
	VBROADCASTSS expConst<>+28(SB), Y4; \
	VFMADD213PS  Y4, Y1, Y3; \
	VBROADCASTSS expConst<>+32(SB), Y4; \
	VFMADD213PS  Y4, Y1, Y3; \
	VMULPS       Y1, Y1, Y4; \
	VFMADD213PS  Y1, Y4, Y3; \
	VADDPS       Y10, Y3, Y3; \
	VCVTPS2DQ    Y2, Y2; \
	VPADDD       Y9, Y2, Y2; \
	VPSLLD       $23, Y2, Y2; \
	VMULPS       Y2, Y3, Y3; \
	VCMPPS       $1, Y14, Y0, Y4; \
	VANDNPS      Y3, Y4, Y3; \
	VCMPPS       $14, Y15, Y0, Y4; \
	VBROADCASTSS expConst<>+48(SB), Y6; \
	VBLENDVPS    Y4, Y6, Y3, Y3

// func expSumAVX2(x *float32, n int, m float32) float32
TEXT ·expSumAVX2(SB), NOSPLIT, $0-28
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS m+16(FP), Y7
	LOADEXP256
	VXORPS       Y8, Y8, Y8

	// 8 elements per iteration: x = e^(x−m), summed into Y8.
loop:
	VMOVUPS (SI), Y0
	VSUBPS  Y7, Y0, Y0
	EXP256
	VMOVUPS Y3, (SI)
	VADDPS  Y3, Y8, Y8
	ADDQ    $32, SI
	SUBQ    $8, CX
	JNZ     loop

	// Sum of the lanes: halves added down to one.
	VEXTRACTF128 $1, Y8, X1
	VADDPS       X1, X8, X1
	VMOVHLPS     X1, X1, X2
	VADDPS       X2, X1, X1
	VMOVSHDUP    X1, X2
	VADDSS       X2, X1, X1
	VMOVSS       X1, ret+24(FP)
	VZEROUPPER
	RET

// func siluMulAVX2(dst, gate, up *float32, n int)
TEXT ·siluMulAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         gate+8(FP), SI
	MOVQ         up+16(FP), DX
	MOVQ         n+24(FP), CX
	LOADEXP256
	VBROADCASTSS expConst<>+52(SB), Y8

	// 8 elements per iteration: g/(1+e^−g), times u when there is one.
loop:
	VMOVUPS (SI), Y5
	VXORPS  Y8, Y5, Y0
	EXP256
	VADDPS  Y10, Y3, Y3
	VDIVPS  Y3, Y5, Y3
	TESTQ   DX, DX
	JZ      store
	VMULPS  (DX), Y3, Y3
	ADDQ    $32, DX

store:
	VMOVUPS Y3, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JNZ     loop
	VZEROUPPER
	RET
