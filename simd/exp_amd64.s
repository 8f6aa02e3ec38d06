//go:build !purego && !noasm

#include "textflag.h"
#include "exp_amd64.h"

// Each loop takes one vector first when the count of vectors is odd, then
// two per iteration as independent chains (the exponential is a long
// dependent sequence); sums still add the vectors in the order of x.

// ---- AVX-512 ----

// func expSumAVX512(x *float32, n int, m float32) float32
TEXT ·expSumAVX512(SB), NOSPLIT, $0-28
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS m+16(FP), Z31
	LOADEXP512
	VPXORD       Z4, Z4, Z4
	SHRQ         $4, CX
	BTQ          $0, CX
	JCC          pairs

	// x = e^(x−m), summed into Z4.
	VMOVUPS (SI), Z0
	VSUBPS  Z31, Z0, Z0
	EXP512(Z0, Z2, Z3)
	VMOVUPS Z0, (SI)
	VADDPS  Z0, Z4, Z4
	ADDQ    $64, SI

pairs:
	SHRQ $1, CX
	JZ   reduce

loop:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z5
	VSUBPS  Z31, Z0, Z0
	VSUBPS  Z31, Z5, Z5
	EXP512(Z0, Z2, Z3)
	EXP512(Z5, Z6, Z7)
	VMOVUPS Z0, (SI)
	VMOVUPS Z5, 64(SI)
	VADDPS  Z0, Z4, Z4
	VADDPS  Z5, Z4, Z4
	ADDQ    $128, SI
	DECQ    CX
	JNZ     loop

	// Sum of the lanes: halves added down to one.
reduce:
	VEXTRACTF32X8 $1, Z4, Y1
	VADDPS        Y1, Y4, Y1
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
	MOVQ         dst+0(FP), DI
	MOVQ         gate+8(FP), SI
	MOVQ         up+16(FP), DX
	MOVQ         n+24(FP), CX
	LOADEXP512
	VBROADCASTSS ·expConst+EXP_SIGN(SB), Z31
	SHRQ         $4, CX
	BTQ          $0, CX
	JCC          pairs

	// g/(1+e^−g), times u when there is one.
	VMOVUPS (SI), Z5
	VXORPS  Z31, Z5, Z0
	EXP512(Z0, Z2, Z3)
	VADDPS  Z29, Z0, Z0
	VDIVPS  Z0, Z5, Z0
	TESTQ   DX, DX
	JZ      store1
	VMULPS  (DX), Z0, Z0
	ADDQ    $64, DX

store1:
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI

pairs:
	SHRQ $1, CX
	JZ   done

loop:
	VMOVUPS (SI), Z5
	VMOVUPS 64(SI), Z8
	VXORPS  Z31, Z5, Z0
	VXORPS  Z31, Z8, Z9
	EXP512(Z0, Z2, Z3)
	EXP512(Z9, Z10, Z11)
	VADDPS  Z29, Z0, Z0
	VADDPS  Z29, Z9, Z9
	VDIVPS  Z0, Z5, Z0
	VDIVPS  Z9, Z8, Z9
	TESTQ   DX, DX
	JZ      store2
	VMULPS  (DX), Z0, Z0
	VMULPS  64(DX), Z9, Z9
	ADDQ    $128, DX

store2:
	VMOVUPS Z0, (DI)
	VMOVUPS Z9, 64(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET

// ---- AVX2 ----

// func expSumAVX2(x *float32, n int, m float32) float32
TEXT ·expSumAVX2(SB), NOSPLIT, $0-28
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS m+16(FP), Y7
	LOADEXP256
	VXORPS       Y4, Y4, Y4
	SHRQ         $3, CX
	BTQ          $0, CX
	JCC          pairs

	// x = e^(x−m), summed into Y4.
	VMOVUPS (SI), Y0
	VSUBPS  Y7, Y0, Y0
	EXP256(Y0, Y2, Y3)
	VMOVUPS Y0, (SI)
	VADDPS  Y0, Y4, Y4
	ADDQ    $32, SI

pairs:
	SHRQ $1, CX
	JZ   reduce

loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y5
	VSUBPS  Y7, Y0, Y0
	VSUBPS  Y7, Y5, Y5
	EXP256(Y0, Y2, Y3)
	EXP256(Y5, Y6, Y14)
	VMOVUPS Y0, (SI)
	VMOVUPS Y5, 32(SI)
	VADDPS  Y0, Y4, Y4
	VADDPS  Y5, Y4, Y4
	ADDQ    $64, SI
	DECQ    CX
	JNZ     loop

	// Sum of the lanes: halves added down to one.
reduce:
	VEXTRACTF128 $1, Y4, X1
	VADDPS       X1, X4, X1
	VMOVHLPS     X1, X1, X2
	VADDPS       X2, X1, X1
	VMOVSHDUP    X1, X2
	VADDSS       X2, X1, X1
	VMOVSS       X1, ret+24(FP)
	VZEROUPPER
	RET

// func siluMulAVX2(dst, gate, up *float32, n int)
TEXT ·siluMulAVX2(SB), NOSPLIT, $0-32
	MOVQ    dst+0(FP), DI
	MOVQ    gate+8(FP), SI
	MOVQ    up+16(FP), DX
	MOVQ    n+24(FP), CX
	LOADEXP256
	VMOVUPS ·expConst+EXP_SIGN(SB), Y7
	SHRQ    $3, CX
	BTQ     $0, CX
	JCC     pairs

	// g/(1+e^−g), times u when there is one.
	VMOVUPS (SI), Y5
	VXORPS  Y7, Y5, Y0
	EXP256(Y0, Y2, Y3)
	VADDPS  Y13, Y0, Y0
	VDIVPS  Y0, Y5, Y0
	TESTQ   DX, DX
	JZ      store1
	VMULPS  (DX), Y0, Y0
	ADDQ    $32, DX

store1:
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI

pairs:
	SHRQ $1, CX
	JZ   done

loop:
	VMOVUPS (SI), Y5
	VMOVUPS 32(SI), Y4
	VXORPS  Y7, Y5, Y0
	VXORPS  Y7, Y4, Y1
	EXP256(Y0, Y2, Y3)
	EXP256(Y1, Y6, Y14)
	VADDPS  Y13, Y0, Y0
	VADDPS  Y13, Y1, Y1
	VDIVPS  Y0, Y5, Y0
	VDIVPS  Y1, Y4, Y1
	TESTQ   DX, DX
	JZ      store2
	VMULPS  (DX), Y0, Y0
	VMULPS  32(DX), Y1, Y1
	ADDQ    $64, DX

store2:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET
