//go:build !purego && !noasm

#include "textflag.h"

// func gatedAddAVX512(x, gate, y, bias []float32)
TEXT ·gatedAddAVX512(SB), NOSPLIT, $0-96
	MOVQ x_base+0(FP), DI
	MOVQ x_len+8(FP), CX
	MOVQ gate_base+24(FP), R8
	MOVQ y_base+48(FP), R9
	MOVQ bias_base+72(FP), R10
	XORQ AX, AX
	SHRQ $4, CX
	JZ   gadone

	// x += gate·(y + bias), 16 floats per iteration.
galoop:
	VMOVUPS     (R9)(AX*4), Z0
	VADDPS      (R10)(AX*4), Z0, Z0
	VMOVUPS     (DI)(AX*4), Z1
	VFMADD231PS (R8)(AX*4), Z0, Z1
	VMOVUPS     Z1, (DI)(AX*4)
	ADDQ        $16, AX
	DECQ        CX
	JNZ         galoop

gadone:
	VZEROUPPER
	RET

// func gatedAddAVX2(x, gate, y, bias []float32)
TEXT ·gatedAddAVX2(SB), NOSPLIT, $0-96
	MOVQ x_base+0(FP), DI
	MOVQ x_len+8(FP), CX
	MOVQ gate_base+24(FP), R8
	MOVQ y_base+48(FP), R9
	MOVQ bias_base+72(FP), R10
	XORQ AX, AX
	SHRQ $3, CX
	JZ   gbdone

	// x += gate·(y + bias), 8 floats per iteration.
gbloop:
	VMOVUPS     (R9)(AX*4), Y0
	VADDPS      (R10)(AX*4), Y0, Y0
	VMOVUPS     (DI)(AX*4), Y1
	VFMADD231PS (R8)(AX*4), Y0, Y1
	VMOVUPS     Y1, (DI)(AX*4)
	ADDQ        $8, AX
	DECQ        CX
	JNZ         gbloop

gbdone:
	VZEROUPPER
	RET

// REDUCE512 sums the 16 lanes of Z(r) into X(r) lane 0 with X(t) as scratch.
#define REDUCE512(zr, yr, xr, yt, xt) \
	VEXTRACTF32X8 $1, zr, yt \
	VADDPS        yt, yr, yr \
	VEXTRACTF128  $1, yr, xt \
	VADDPS        xt, xr, xr \
	VPERMILPS     $0x4e, xr, xt \
	VADDPS        xt, xr, xr \
	VPERMILPS     $0xb1, xr, xt \
	VADDPS        xt, xr, xr

// func layerNormModulateAVX512(dst, x, shift, scale1 []float32, eps float32)
TEXT ·layerNormModulateAVX512(SB), NOSPLIT, $0-100
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), DX
	MOVQ shift_base+48(FP), R8
	MOVQ scale1_base+72(FP), R9

	// Sum of x in 16 lanes, then the mean.
	VXORPS Z0, Z0, Z0
	XORQ   AX, AX

lmean:
	VADDPS (SI)(AX*4), Z0, Z0
	ADDQ   $16, AX
	CMPQ   AX, DX
	JB     lmean
	REDUCE512(Z0, Y0, X0, Y1, X1)
	VCVTSI2SSQ   DX, X2, X2
	VDIVSS       X2, X0, X0
	VBROADCASTSS X0, Z3

	// dst = x − mean; sum of squares in 16 lanes.
	VXORPS Z4, Z4, Z4
	XORQ   AX, AX

lvar:
	VMOVUPS     (SI)(AX*4), Z5
	VSUBPS      Z3, Z5, Z5
	VMOVUPS     Z5, (DI)(AX*4)
	VFMADD231PS Z5, Z5, Z4
	ADDQ        $16, AX
	CMPQ        AX, DX
	JB          lvar
	REDUCE512(Z4, Y4, X4, Y1, X1)

	// inv = 1 / sqrt(var + eps).
	VDIVSS       X2, X4, X4
	VADDSS       eps+96(FP), X4, X4
	VSQRTSS      X4, X4, X4
	MOVL         $0x3f800000, BX
	VMOVD        BX, X6
	VDIVSS       X4, X6, X6
	VBROADCASTSS X6, Z6

	// dst = (dst·inv)·scale1 + shift.
	XORQ AX, AX

lmod:
	VMULPS      (DI)(AX*4), Z6, Z5
	VMOVUPS     (R8)(AX*4), Z7
	VFMADD231PS (R9)(AX*4), Z5, Z7
	VMOVUPS     Z7, (DI)(AX*4)
	ADDQ        $16, AX
	CMPQ        AX, DX
	JB          lmod
	VZEROUPPER
	RET

// REDUCE256 sums the 8 lanes of Y(r) into X(r) lane 0 with X(t) as scratch.
#define REDUCE256(yr, xr, xt) \
	VEXTRACTF128 $1, yr, xt \
	VADDPS       xt, xr, xr \
	VPERMILPS    $0x4e, xr, xt \
	VADDPS       xt, xr, xr \
	VPERMILPS    $0xb1, xr, xt \
	VADDPS       xt, xr, xr

// func layerNormModulateAVX2(dst, x, shift, scale1 []float32, eps float32)
TEXT ·layerNormModulateAVX2(SB), NOSPLIT, $0-100
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), DX
	MOVQ shift_base+48(FP), R8
	MOVQ scale1_base+72(FP), R9

	// Sum of x in 8 lanes, then the mean.
	VXORPS Y0, Y0, Y0
	XORQ   AX, AX

mmean:
	VADDPS (SI)(AX*4), Y0, Y0
	ADDQ   $8, AX
	CMPQ   AX, DX
	JB     mmean
	REDUCE256(Y0, X0, X1)
	VCVTSI2SSQ   DX, X2, X2
	VDIVSS       X2, X0, X0
	VBROADCASTSS X0, Y3

	// dst = x − mean; sum of squares in 8 lanes.
	VXORPS Y4, Y4, Y4
	XORQ   AX, AX

mvar:
	VMOVUPS     (SI)(AX*4), Y5
	VSUBPS      Y3, Y5, Y5
	VMOVUPS     Y5, (DI)(AX*4)
	VFMADD231PS Y5, Y5, Y4
	ADDQ        $8, AX
	CMPQ        AX, DX
	JB          mvar
	REDUCE256(Y4, X4, X1)

	// inv = 1 / sqrt(var + eps).
	VDIVSS       X2, X4, X4
	VADDSS       eps+96(FP), X4, X4
	VSQRTSS      X4, X4, X4
	MOVL         $0x3f800000, BX
	VMOVD        BX, X6
	VDIVSS       X4, X6, X6
	VBROADCASTSS X6, Y6

	// dst = (dst·inv)·scale1 + shift.
	XORQ AX, AX

mmod:
	VMULPS      (DI)(AX*4), Y6, Y5
	VMOVUPS     (R8)(AX*4), Y7
	VFMADD231PS (R9)(AX*4), Y5, Y7
	VMOVUPS     Y7, (DI)(AX*4)
	ADDQ        $8, AX
	CMPQ        AX, DX
	JB          mmod
	VZEROUPPER
	RET
