//go:build !purego && !noasm

#include "textflag.h"

// Offsets into ·expConst (see act.go): one 32-byte vector per constant.
#define C_A 0
#define C_B 32
#define C_HI 64
#define C_LO 96
#define C_LOG2E 128
#define C_LN2HI 160
#define C_LN2LO 192
#define C_P0 224
#define C_P1 256
#define C_P2 288
#define C_P3 320
#define C_P4 352
#define C_P5 384
#define C_ONE 416
#define C_BIAS 448
#define C_XMIN 480

// AVX-512 constants live in Z16..Z29.
#define LOAD512 \
	VBROADCASTSS ·expConst+C_A(SB), Z16     \
	VBROADCASTSS ·expConst+C_B(SB), Z17     \
	VBROADCASTSS ·expConst+C_HI(SB), Z18    \
	VBROADCASTSS ·expConst+C_LO(SB), Z19    \
	VBROADCASTSS ·expConst+C_LOG2E(SB), Z20 \
	VBROADCASTSS ·expConst+C_LN2HI(SB), Z21 \
	VBROADCASTSS ·expConst+C_LN2LO(SB), Z22 \
	VBROADCASTSS ·expConst+C_P0(SB), Z23    \
	VBROADCASTSS ·expConst+C_P1(SB), Z24    \
	VBROADCASTSS ·expConst+C_P2(SB), Z25    \
	VBROADCASTSS ·expConst+C_P3(SB), Z26    \
	VBROADCASTSS ·expConst+C_P4(SB), Z27    \
	VBROADCASTSS ·expConst+C_P5(SB), Z28    \
	VBROADCASTSS ·expConst+C_ONE(SB), Z29

// EXP512 sets v = exp(v) using n and t as scratch:
// clamp (NaN stays NaN), n = round(v·log2e), r = v − n·ln2,
// t = (P(r)·r + 1)·r + 1, v = t·2ⁿ.
#define EXP512(v, n, t) \
	VMINPS       v, Z18, v   \
	VMAXPS       v, Z19, v   \
	VMULPS       Z20, v, n   \
	VRNDSCALEPS  $0, n, n    \
	VFNMADD231PS Z21, n, v   \
	VFNMADD231PS Z22, n, v   \
	VMOVAPS      Z23, t      \
	VFMADD213PS  Z24, v, t   \
	VFMADD213PS  Z25, v, t   \
	VFMADD213PS  Z26, v, t   \
	VFMADD213PS  Z27, v, t   \
	VFMADD213PS  Z28, v, t   \
	VFMADD213PS  Z29, v, t   \
	VFMADD213PS  Z29, v, t   \
	VSCALEFPS    n, t, v

// func geluTanhAVX512(x []float32)
TEXT ·geluTanhAVX512(SB), NOSPLIT, $0-24
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	SHRQ $4, CX
	JZ   gdone
	LOAD512
	VBROADCASTSS ·expConst+C_XMIN(SB), Z30

	// x / (1 + exp(x·(a + b·x²))) with x ≥ −10, 16 floats per iteration.
gloop:
	VMOVUPS     (SI), Z0
	VMAXPS      Z0, Z30, Z0
	VMULPS      Z0, Z0, Z1
	VFMADD213PS Z16, Z17, Z1
	VMULPS      Z0, Z1, Z1
	EXP512(Z1, Z2, Z3)
	VADDPS      Z29, Z1, Z1
	VDIVPS      Z1, Z0, Z0
	VMOVUPS     Z0, (SI)
	ADDQ        $64, SI
	DECQ        CX
	JNZ         gloop

gdone:
	VZEROUPPER
	RET

// func maxAVX512(x []float32) float32
TEXT ·maxAVX512(SB), NOSPLIT, $0-28
	MOVQ    x_base+0(FP), SI
	MOVQ    x_len+8(FP), CX
	VMOVUPS (SI), Z0
	ADDQ    $64, SI
	SUBQ    $16, CX

mloop:
	TESTQ   CX, CX
	JZ      mreduce
	VMAXPS  (SI), Z0, Z0
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     mloop

	// 16 lanes to 1.
mreduce:
	VEXTRACTF32X8 $1, Z0, Y1
	VMAXPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VMAXPS        X1, X0, X0
	VPERMILPS     $0x4e, X0, X1
	VMAXPS        X1, X0, X0
	VPERMILPS     $0xb1, X0, X1
	VMAXPS        X1, X0, X0
	VMOVSS        X0, ret+24(FP)
	VZEROUPPER
	RET

// func expScaleSumAVX512(x []float32, m, scale float32) float32
TEXT ·expScaleSumAVX512(SB), NOSPLIT, $0-36
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSS m+24(FP), Z30
	VBROADCASTSS scale+28(FP), Z31
	VXORPS       Z4, Z4, Z4
	SHRQ         $4, CX
	JZ           ereduce
	LOAD512

	// x = exp((x − m)·scale), summed lane by lane in Z4.
eloop:
	VMOVUPS (SI), Z0
	VSUBPS  Z30, Z0, Z0
	VMULPS  Z31, Z0, Z0
	EXP512(Z0, Z2, Z3)
	VMOVUPS Z0, (SI)
	VADDPS  Z0, Z4, Z4
	ADDQ    $64, SI
	DECQ    CX
	JNZ     eloop

	// 16 lanes to 1.
ereduce:
	VEXTRACTF32X8 $1, Z4, Y1
	VADDPS        Y1, Y4, Y4
	VEXTRACTF128  $1, Y4, X1
	VADDPS        X1, X4, X4
	VPERMILPS     $0x4e, X4, X1
	VADDPS        X1, X4, X4
	VPERMILPS     $0xb1, X4, X1
	VADDPS        X1, X4, X4
	VMOVSS        X4, ret+32(FP)
	VZEROUPPER
	RET

// AVX2 keeps hi, lo, log2e, ln2 (two parts), 1, a and b in Y8..Y15 and
// reads the polynomial and the exponent bias from memory.
#define LOAD256 \
	VMOVUPS ·expConst+C_HI(SB), Y8     \
	VMOVUPS ·expConst+C_LO(SB), Y9     \
	VMOVUPS ·expConst+C_LOG2E(SB), Y10 \
	VMOVUPS ·expConst+C_LN2HI(SB), Y11 \
	VMOVUPS ·expConst+C_LN2LO(SB), Y12 \
	VMOVUPS ·expConst+C_ONE(SB), Y13   \
	VMOVUPS ·expConst+C_A(SB), Y14     \
	VMOVUPS ·expConst+C_B(SB), Y15

// EXP256 sets v = exp(v) using n and t as scratch, as EXP512 does; 2ⁿ is
// built in the exponent field (n is within [−126, 127] after the clamp).
#define EXP256(v, n, t) \
	VMINPS       v, Y8, v                   \
	VMAXPS       v, Y9, v                   \
	VMULPS       Y10, v, n                  \
	VROUNDPS     $0, n, n                   \
	VFNMADD231PS Y11, n, v                  \
	VFNMADD231PS Y12, n, v                  \
	VMOVUPS      ·expConst+C_P0(SB), t      \
	VFMADD213PS  ·expConst+C_P1(SB), v, t   \
	VFMADD213PS  ·expConst+C_P2(SB), v, t   \
	VFMADD213PS  ·expConst+C_P3(SB), v, t   \
	VFMADD213PS  ·expConst+C_P4(SB), v, t   \
	VFMADD213PS  ·expConst+C_P5(SB), v, t   \
	VFMADD213PS  Y13, v, t                  \
	VFMADD213PS  Y13, v, t                  \
	VCVTPS2DQ    n, n                       \
	VPADDD       ·expConst+C_BIAS(SB), n, n \
	VPSLLD       $23, n, n                  \
	VMULPS       n, t, v

// func geluTanhAVX2(x []float32)
TEXT ·geluTanhAVX2(SB), NOSPLIT, $0-24
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	SHRQ $3, CX
	JZ   hdone
	LOAD256
	VMOVUPS ·expConst+C_XMIN(SB), Y4

	// x / (1 + exp(x·(a + b·x²))) with x ≥ −10, 8 floats per iteration.
hloop:
	VMOVUPS     (SI), Y0
	VMAXPS      Y0, Y4, Y0
	VMULPS      Y0, Y0, Y1
	VFMADD213PS Y14, Y15, Y1
	VMULPS      Y0, Y1, Y1
	EXP256(Y1, Y2, Y3)
	VADDPS      Y13, Y1, Y1
	VDIVPS      Y1, Y0, Y0
	VMOVUPS     Y0, (SI)
	ADDQ        $32, SI
	DECQ        CX
	JNZ         hloop

hdone:
	VZEROUPPER
	RET

// func maxAVX2(x []float32) float32
TEXT ·maxAVX2(SB), NOSPLIT, $0-28
	MOVQ    x_base+0(FP), SI
	MOVQ    x_len+8(FP), CX
	VMOVUPS (SI), Y0
	ADDQ    $32, SI
	SUBQ    $8, CX

nloop:
	TESTQ  CX, CX
	JZ     nreduce
	VMAXPS (SI), Y0, Y0
	ADDQ   $32, SI
	SUBQ   $8, CX
	JMP    nloop

	// 8 lanes to 1.
nreduce:
	VEXTRACTF128 $1, Y0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0x4e, X0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0xb1, X0, X1
	VMAXPS       X1, X0, X0
	VMOVSS       X0, ret+24(FP)
	VZEROUPPER
	RET

// func expScaleSumAVX2(x []float32, m, scale float32) float32
TEXT ·expScaleSumAVX2(SB), NOSPLIT, $0-36
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSS m+24(FP), Y6
	VBROADCASTSS scale+28(FP), Y7
	VXORPS       Y4, Y4, Y4
	SHRQ         $3, CX
	JZ           freduce
	LOAD256

	// x = exp((x − m)·scale), summed lane by lane in Y4.
floop:
	VMOVUPS (SI), Y0
	VSUBPS  Y6, Y0, Y0
	VMULPS  Y7, Y0, Y0
	EXP256(Y0, Y2, Y3)
	VMOVUPS Y0, (SI)
	VADDPS  Y0, Y4, Y4
	ADDQ    $32, SI
	DECQ    CX
	JNZ     floop

	// 8 lanes to 1.
freduce:
	VEXTRACTF128 $1, Y4, X1
	VADDPS       X1, X4, X4
	VPERMILPS    $0x4e, X4, X1
	VADDPS       X1, X4, X4
	VPERMILPS    $0xb1, X4, X1
	VADDPS       X1, X4, X4
	VMOVSS       X4, ret+32(FP)
	VZEROUPPER
	RET
