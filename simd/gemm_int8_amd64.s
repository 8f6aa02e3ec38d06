//go:build !purego && !noasm

#include "textflag.h"

// The AVX-512 VNNI int8 GEMM micro-kernels and the float32 epilogue (the
// AVX2 kernels are generated into gemm_int8_avx2_amd64.s). All macros come
// first, then the kernels: go vet's frame check would read a macro body
// that follows a TEXT as part of that function.

// ---------------------------------------------------------------------------
// AVX-512 VNNI: R rows × 32 columns (two 16-column panels) per call.
//
// VPDPBUSD multiplies unsigned bytes (register operand) by signed bytes
// (register or broadcast memory operand). The weights are biased to
// u8 = b+128 (XOR 0x80) in registers once per k-quad, and each row's four
// activation codes are broadcast straight from the A block. The bias adds
// 128·Σa to every column of a row, so each accumulator starts at
// corr[r] = -128·Σa[r] (from PackA) and ends at the exact Σ a·b (mod 2³²).
//
// Registers: SI A block at the first row (48 bytes a k-quad), CX corr,
// BX panel 0 (panel 1 at BX+DX), R8 k-quads left, DI acc, R9 acc row bytes,
// Z31 bias bytes, Z28/Z29 biased weights, Z0..Z23 accumulators (row r in
// Z(2r), Z(2r+1)).
// ---------------------------------------------------------------------------

#define VNNI_ARGS \
	MOVQ a+0(FP), SI; \
	MOVQ corr+8(FP), CX; \
	MOVQ b+16(FP), BX; \
	MOVQ plen+24(FP), DX; \
	MOVQ kq+32(FP), R8; \
	MOVQ acc+40(FP), DI; \
	MOVQ ldacc+48(FP), R9; \
	SHLQ $2, R9; \
	MOVL $0x80808080, AX; \
	VPBROADCASTD AX, Z31

// row accumulators start at the row's bias term
#define VNNI_INIT(off, acc0, acc1) \
	VPBROADCASTD off(CX), acc0; \
	VMOVDQA32    acc0, acc1

// next k-quad of both panels, biased to unsigned
#define VNNI_LOADW \
	VPXORD (BX), Z31, Z28; \
	VPXORD (BX)(DX*1), Z31, Z29

// one row: four broadcast activation codes times both panels
#define VNNI_MAC(off, acc0, acc1) \
	VPDPBUSD.BCST off(SI), Z28, acc0; \
	VPDPBUSD.BCST off(SI), Z29, acc1

#define VNNI_NEXT \
	ADDQ $48, SI; \
	ADDQ $64, BX; \
	DECQ R8

#define VNNI_STORE(acc0, acc1) \
	VMOVDQU32 acc0, (DI); \
	VMOVDQU32 acc1, 64(DI); \
	ADDQ      R9, DI

// ---------------------------------------------------------------------------
// VNNI kernels
// ---------------------------------------------------------------------------

// func gemmS8VNNI12(a *int8, corr *int32, b *int8, plen, kq int, acc *int32, ldacc int)
TEXT ·gemmS8VNNI12(SB), NOSPLIT, $0-56
	VNNI_ARGS
	VNNI_INIT(0, Z0, Z1)
	VNNI_INIT(4, Z2, Z3)
	VNNI_INIT(8, Z4, Z5)
	VNNI_INIT(12, Z6, Z7)
	VNNI_INIT(16, Z8, Z9)
	VNNI_INIT(20, Z10, Z11)
	VNNI_INIT(24, Z12, Z13)
	VNNI_INIT(28, Z14, Z15)
	VNNI_INIT(32, Z16, Z17)
	VNNI_INIT(36, Z18, Z19)
	VNNI_INIT(40, Z20, Z21)
	VNNI_INIT(44, Z22, Z23)

loop12:
	VNNI_LOADW
	VNNI_MAC(0, Z0, Z1)
	VNNI_MAC(4, Z2, Z3)
	VNNI_MAC(8, Z4, Z5)
	VNNI_MAC(12, Z6, Z7)
	VNNI_MAC(16, Z8, Z9)
	VNNI_MAC(20, Z10, Z11)
	VNNI_MAC(24, Z12, Z13)
	VNNI_MAC(28, Z14, Z15)
	VNNI_MAC(32, Z16, Z17)
	VNNI_MAC(36, Z18, Z19)
	VNNI_MAC(40, Z20, Z21)
	VNNI_MAC(44, Z22, Z23)
	VNNI_NEXT
	JNZ loop12

	VNNI_STORE(Z0, Z1)
	VNNI_STORE(Z2, Z3)
	VNNI_STORE(Z4, Z5)
	VNNI_STORE(Z6, Z7)
	VNNI_STORE(Z8, Z9)
	VNNI_STORE(Z10, Z11)
	VNNI_STORE(Z12, Z13)
	VNNI_STORE(Z14, Z15)
	VNNI_STORE(Z16, Z17)
	VNNI_STORE(Z18, Z19)
	VNNI_STORE(Z20, Z21)
	VNNI_STORE(Z22, Z23)
	VZEROUPPER
	RET

// func gemmS8VNNI8(a *int8, corr *int32, b *int8, plen, kq int, acc *int32, ldacc int)
TEXT ·gemmS8VNNI8(SB), NOSPLIT, $0-56
	VNNI_ARGS
	VNNI_INIT(0, Z0, Z1)
	VNNI_INIT(4, Z2, Z3)
	VNNI_INIT(8, Z4, Z5)
	VNNI_INIT(12, Z6, Z7)
	VNNI_INIT(16, Z8, Z9)
	VNNI_INIT(20, Z10, Z11)
	VNNI_INIT(24, Z12, Z13)
	VNNI_INIT(28, Z14, Z15)

loop8:
	VNNI_LOADW
	VNNI_MAC(0, Z0, Z1)
	VNNI_MAC(4, Z2, Z3)
	VNNI_MAC(8, Z4, Z5)
	VNNI_MAC(12, Z6, Z7)
	VNNI_MAC(16, Z8, Z9)
	VNNI_MAC(20, Z10, Z11)
	VNNI_MAC(24, Z12, Z13)
	VNNI_MAC(28, Z14, Z15)
	VNNI_NEXT
	JNZ loop8

	VNNI_STORE(Z0, Z1)
	VNNI_STORE(Z2, Z3)
	VNNI_STORE(Z4, Z5)
	VNNI_STORE(Z6, Z7)
	VNNI_STORE(Z8, Z9)
	VNNI_STORE(Z10, Z11)
	VNNI_STORE(Z12, Z13)
	VNNI_STORE(Z14, Z15)
	VZEROUPPER
	RET

// func gemmS8VNNI4(a *int8, corr *int32, b *int8, plen, kq int, acc *int32, ldacc int)
TEXT ·gemmS8VNNI4(SB), NOSPLIT, $0-56
	VNNI_ARGS
	VNNI_INIT(0, Z0, Z1)
	VNNI_INIT(4, Z2, Z3)
	VNNI_INIT(8, Z4, Z5)
	VNNI_INIT(12, Z6, Z7)

loop4:
	VNNI_LOADW
	VNNI_MAC(0, Z0, Z1)
	VNNI_MAC(4, Z2, Z3)
	VNNI_MAC(8, Z4, Z5)
	VNNI_MAC(12, Z6, Z7)
	VNNI_NEXT
	JNZ loop4

	VNNI_STORE(Z0, Z1)
	VNNI_STORE(Z2, Z3)
	VNNI_STORE(Z4, Z5)
	VNNI_STORE(Z6, Z7)
	VZEROUPPER
	RET

// func gemmS8VNNI2(a *int8, corr *int32, b *int8, plen, kq int, acc *int32, ldacc int)
// Two rows give only four dependency chains, so each row alternates
// between two accumulator pairs (even and odd k-quads).
TEXT ·gemmS8VNNI2(SB), NOSPLIT, $0-56
	VNNI_ARGS
	VNNI_INIT(0, Z0, Z1)
	VNNI_INIT(4, Z2, Z3)
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	BTQ  $0, R8
	JCC  even2
	VNNI_LOADW // odd count: one k-quad first
	VNNI_MAC(0, Z0, Z1)
	VNNI_MAC(4, Z2, Z3)
	VNNI_NEXT
	JZ   done2

even2:
	SHRQ $1, R8

loop2:
	VNNI_LOADW
	VNNI_MAC(0, Z0, Z1)
	VNNI_MAC(4, Z2, Z3)
	VPXORD   64(BX), Z31, Z28
	VPXORD   64(BX)(DX*1), Z31, Z29
	VPDPBUSD.BCST 48(SI), Z28, Z4
	VPDPBUSD.BCST 48(SI), Z29, Z5
	VPDPBUSD.BCST 52(SI), Z28, Z6
	VPDPBUSD.BCST 52(SI), Z29, Z7
	ADDQ $96, SI
	ADDQ $128, BX
	DECQ R8
	JNZ  loop2

done2:
	VPADDD Z4, Z0, Z0
	VPADDD Z5, Z1, Z1
	VPADDD Z6, Z2, Z2
	VPADDD Z7, Z3, Z3
	VNNI_STORE(Z0, Z1)
	VNNI_STORE(Z2, Z3)
	VZEROUPPER
	RET

// func gemmS8VNNI1(a *int8, corr *int32, b *int8, plen, kq int, acc *int32, ldacc int)
// One row (matrix-vector): four accumulator pairs over k-quads mod 4 keep
// the VPDPBUSD latency hidden.
TEXT ·gemmS8VNNI1(SB), NOSPLIT, $0-56
	VNNI_ARGS
	VNNI_INIT(0, Z0, Z1)
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	CMPQ R8, $4
	JLT  tail1

loop1: // four k-quads a step
	VNNI_LOADW
	VNNI_MAC(0, Z0, Z1)
	VPXORD   64(BX), Z31, Z28
	VPXORD   64(BX)(DX*1), Z31, Z29
	VNNI_MAC(48, Z2, Z3)
	VPXORD   128(BX), Z31, Z28
	VPXORD   128(BX)(DX*1), Z31, Z29
	VNNI_MAC(96, Z4, Z5)
	VPXORD   192(BX), Z31, Z28
	VPXORD   192(BX)(DX*1), Z31, Z29
	VNNI_MAC(144, Z6, Z7)
	ADDQ $192, SI
	ADDQ $256, BX
	SUBQ $4, R8
	CMPQ R8, $4
	JGE  loop1

tail1:
	TESTQ R8, R8
	JZ    done1

tailloop1:
	VNNI_LOADW
	VNNI_MAC(0, Z0, Z1)
	VNNI_NEXT
	JNZ tailloop1

done1:
	VPADDD Z2, Z0, Z0
	VPADDD Z3, Z1, Z1
	VPADDD Z6, Z4, Z4
	VPADDD Z7, Z5, Z5
	VPADDD Z4, Z0, Z0
	VPADDD Z5, Z1, Z1
	VNNI_STORE(Z0, Z1)
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// Epilogue: c[j] = float32(acc[j]) · sb[j] · sa, rounded after each product.
// ---------------------------------------------------------------------------

// func dequantS32AVX512(c *float32, acc *int32, n int, sa float32, sb *float32)
// n is a positive multiple of 16.
TEXT ·dequantS32AVX512(SB), NOSPLIT, $0-40
	MOVQ c+0(FP), DI
	MOVQ acc+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS sa+24(FP), Z31
	MOVQ sb+32(FP), BX

dq512:
	VCVTDQ2PS (SI), Z0
	VMULPS    (BX), Z0, Z0
	VMULPS    Z31, Z0, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $64, BX
	ADDQ      $64, DI
	SUBQ      $16, CX
	JNZ       dq512
	VZEROUPPER
	RET

// func dequantS32AVX2(c *float32, acc *int32, n int, sa float32, sb *float32)
// n is a positive multiple of 8.
TEXT ·dequantS32AVX2(SB), NOSPLIT, $0-40
	MOVQ c+0(FP), DI
	MOVQ acc+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS sa+24(FP), Y15
	MOVQ sb+32(FP), BX

dq256:
	VCVTDQ2PS (SI), Y0
	VMULPS    (BX), Y0, Y0
	VMULPS    Y15, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $32, SI
	ADDQ      $32, BX
	ADDQ      $32, DI
	SUBQ      $8, CX
	JNZ       dq256
	VZEROUPPER
	RET
