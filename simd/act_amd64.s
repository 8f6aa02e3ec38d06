//go:build !purego && !noasm

#include "textflag.h"
#include "exp_amd64.h"

// func geluTanhAVX512(x []float32)
TEXT ·geluTanhAVX512(SB), NOSPLIT, $0-24
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	SHRQ $4, CX
	JZ   gdone
	LOADEXP512
	VBROADCASTSS ·expConst+GELU_A(SB), Z16
	VBROADCASTSS ·expConst+GELU_B(SB), Z17
	VBROADCASTSS ·expConst+GELU_XMIN(SB), Z30
	BTQ  $0, CX
	JCC  gpairs

	// x / (1 + exp(x·(a + b·x²))) with x ≥ −10: an odd vector first,
	// then two vectors (32 floats) per iteration, two independent chains.
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

gpairs:
	SHRQ $1, CX
	JZ   gdone

gloop:
	VMOVUPS     (SI), Z0
	VMOVUPS     64(SI), Z4
	VMAXPS      Z0, Z30, Z0
	VMAXPS      Z4, Z30, Z4
	VMULPS      Z0, Z0, Z1
	VMULPS      Z4, Z4, Z5
	VFMADD213PS Z16, Z17, Z1
	VFMADD213PS Z16, Z17, Z5
	VMULPS      Z0, Z1, Z1
	VMULPS      Z4, Z5, Z5
	EXP512(Z1, Z2, Z3)
	EXP512(Z5, Z6, Z7)
	VADDPS      Z29, Z1, Z1
	VADDPS      Z29, Z5, Z5
	VDIVPS      Z1, Z0, Z0
	VDIVPS      Z5, Z4, Z4
	VMOVUPS     Z0, (SI)
	VMOVUPS     Z4, 64(SI)
	ADDQ        $128, SI
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
	LOADEXP512
	BTQ          $0, CX
	JCC          epairs

	// x = exp((x − m)·scale), summed lane by lane in Z4 in the order of
	// x: an odd vector first, then two per iteration (two chains).
	VMOVUPS (SI), Z0
	VSUBPS  Z30, Z0, Z0
	VMULPS  Z31, Z0, Z0
	EXP512(Z0, Z2, Z3)
	VMOVUPS Z0, (SI)
	VADDPS  Z0, Z4, Z4
	ADDQ    $64, SI

epairs:
	SHRQ $1, CX
	JZ   ereduce

eloop:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z5
	VSUBPS  Z30, Z0, Z0
	VSUBPS  Z30, Z5, Z5
	VMULPS  Z31, Z0, Z0
	VMULPS  Z31, Z5, Z5
	EXP512(Z0, Z2, Z3)
	EXP512(Z5, Z6, Z7)
	VMOVUPS Z0, (SI)
	VMOVUPS Z5, 64(SI)
	VADDPS  Z0, Z4, Z4
	VADDPS  Z5, Z4, Z4
	ADDQ    $128, SI
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

// func geluTanhAVX2(x []float32)
TEXT ·geluTanhAVX2(SB), NOSPLIT, $0-24
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	SHRQ $3, CX
	JZ   hdone
	LOADEXP256
	VMOVUPS ·expConst+GELU_XMIN(SB), Y14
	VMOVUPS ·expConst+GELU_B(SB), Y15
	BTQ     $0, CX
	JCC     hpairs

	// x / (1 + exp(x·(a + b·x²))) with x ≥ −10 (max keeps NaN, from
	// memory as its second operand): an odd vector first, then two
	// vectors (16 floats) per iteration, two independent chains.
	VMAXPS      (SI), Y14, Y0
	VMULPS      Y0, Y0, Y1
	VFMADD213PS ·expConst+GELU_A(SB), Y15, Y1
	VMULPS      Y0, Y1, Y1
	EXP256(Y1, Y2, Y3)
	VADDPS      Y13, Y1, Y1
	VDIVPS      Y1, Y0, Y0
	VMOVUPS     Y0, (SI)
	ADDQ        $32, SI

hpairs:
	SHRQ $1, CX
	JZ   hdone

hloop:
	VMAXPS      (SI), Y14, Y0
	VMAXPS      32(SI), Y14, Y4
	VMULPS      Y0, Y0, Y1
	VMULPS      Y4, Y4, Y5
	VFMADD213PS ·expConst+GELU_A(SB), Y15, Y1
	VFMADD213PS ·expConst+GELU_A(SB), Y15, Y5
	VMULPS      Y0, Y1, Y1
	VMULPS      Y4, Y5, Y5
	EXP256(Y1, Y2, Y3)
	EXP256(Y5, Y6, Y7)
	VADDPS      Y13, Y1, Y1
	VADDPS      Y13, Y5, Y5
	VDIVPS      Y1, Y0, Y0
	VDIVPS      Y5, Y4, Y4
	VMOVUPS     Y0, (SI)
	VMOVUPS     Y4, 32(SI)
	ADDQ        $64, SI
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
	LOADEXP256
	BTQ          $0, CX
	JCC          fpairs

	// x = exp((x − m)·scale), summed lane by lane in Y4 in the order of
	// x: an odd vector first, then two per iteration (two chains).
	VMOVUPS (SI), Y0
	VSUBPS  Y6, Y0, Y0
	VMULPS  Y7, Y0, Y0
	EXP256(Y0, Y2, Y3)
	VMOVUPS Y0, (SI)
	VADDPS  Y0, Y4, Y4
	ADDQ    $32, SI

fpairs:
	SHRQ $1, CX
	JZ   freduce

floop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y5
	VSUBPS  Y6, Y0, Y0
	VSUBPS  Y6, Y5, Y5
	VMULPS  Y7, Y0, Y0
	VMULPS  Y7, Y5, Y5
	EXP256(Y0, Y2, Y3)
	EXP256(Y5, Y1, Y14)
	VMOVUPS Y0, (SI)
	VMOVUPS Y5, 32(SI)
	VADDPS  Y0, Y4, Y4
	VADDPS  Y5, Y4, Y4
	ADDQ    $64, SI
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
