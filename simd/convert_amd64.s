//go:build !purego && !noasm

#include "textflag.h"

// Every routine takes (dst, src, n) with n a positive multiple of its block
// (8 for AVX2, 16 for AVX-512) and converts n values.

// func f16ToF32AVX2(dst *float32, src *uint16, n int)
TEXT ·f16ToF32AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

	// 32 halves per round: four VCVTPH2PS of 8.
f16x32:
	CMPQ CX, $32
	JB   f16x8
	VCVTPH2PS (SI), Y0
	VCVTPH2PS 16(SI), Y1
	VCVTPH2PS 32(SI), Y2
	VCVTPH2PS 48(SI), Y3
	VMOVUPS   Y0, (DI)
	VMOVUPS   Y1, 32(DI)
	VMOVUPS   Y2, 64(DI)
	VMOVUPS   Y3, 96(DI)
	ADDQ      $64, SI
	ADDQ      $128, DI
	SUBQ      $32, CX
	JMP       f16x32

	// Then 8 at a time.
f16x8:
	TESTQ     CX, CX
	JZ        f16done
	VCVTPH2PS (SI), Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $16, SI
	ADDQ      $32, DI
	SUBQ      $8, CX
	JMP       f16x8

f16done:
	VZEROUPPER
	RET

// func f16ToF32AVX512(dst *float32, src *uint16, n int)
TEXT ·f16ToF32AVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

	// 64 halves per round: four VCVTPH2PS of 16.
h512x64:
	CMPQ CX, $64
	JB   h512x16
	VCVTPH2PS (SI), Z0
	VCVTPH2PS 32(SI), Z1
	VCVTPH2PS 64(SI), Z2
	VCVTPH2PS 96(SI), Z3
	VMOVUPS   Z0, (DI)
	VMOVUPS   Z1, 64(DI)
	VMOVUPS   Z2, 128(DI)
	VMOVUPS   Z3, 192(DI)
	ADDQ      $128, SI
	ADDQ      $256, DI
	SUBQ      $64, CX
	JMP       h512x64

	// Then 16 at a time.
h512x16:
	TESTQ     CX, CX
	JZ        h512done
	VCVTPH2PS (SI), Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $32, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JMP       h512x16

h512done:
	VZEROUPPER
	RET

// func f32ToF16AVX2(dst *uint16, src *float32, n int)
// VCVTPS2PH with immediate 0 rounds to nearest even whatever MXCSR says.
TEXT ·f32ToF16AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

tohx32:
	CMPQ      CX, $32
	JB        tohx8
	VMOVUPS   (SI), Y0
	VMOVUPS   32(SI), Y1
	VMOVUPS   64(SI), Y2
	VMOVUPS   96(SI), Y3
	VCVTPS2PH $0, Y0, (DI)
	VCVTPS2PH $0, Y1, 16(DI)
	VCVTPS2PH $0, Y2, 32(DI)
	VCVTPS2PH $0, Y3, 48(DI)
	ADDQ      $128, SI
	ADDQ      $64, DI
	SUBQ      $32, CX
	JMP       tohx32

tohx8:
	TESTQ     CX, CX
	JZ        tohdone
	VMOVUPS   (SI), Y0
	VCVTPS2PH $0, Y0, (DI)
	ADDQ      $32, SI
	ADDQ      $16, DI
	SUBQ      $8, CX
	JMP       tohx8

tohdone:
	VZEROUPPER
	RET

// func f32ToF16AVX512(dst *uint16, src *float32, n int)
TEXT ·f32ToF16AVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

toh512x64:
	CMPQ      CX, $64
	JB        toh512x16
	VMOVUPS   (SI), Z0
	VMOVUPS   64(SI), Z1
	VMOVUPS   128(SI), Z2
	VMOVUPS   192(SI), Z3
	VCVTPS2PH $0, Z0, (DI)
	VCVTPS2PH $0, Z1, 32(DI)
	VCVTPS2PH $0, Z2, 64(DI)
	VCVTPS2PH $0, Z3, 96(DI)
	ADDQ      $256, SI
	ADDQ      $128, DI
	SUBQ      $64, CX
	JMP       toh512x64

toh512x16:
	TESTQ     CX, CX
	JZ        toh512done
	VMOVUPS   (SI), Z0
	VCVTPS2PH $0, Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $16, CX
	JMP       toh512x16

toh512done:
	VZEROUPPER
	RET

// func bf16ToF32AVX2(dst *float32, src *uint16, n int)
// Zero-extend each bfloat16 to 32 bits and shift it into the top half.
TEXT ·bf16ToF32AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

bfx16:
	CMPQ      CX, $16
	JB        bfx8
	VPMOVZXWD (SI), Y0
	VPMOVZXWD 16(SI), Y1
	VPSLLD    $16, Y0, Y0
	VPSLLD    $16, Y1, Y1
	VMOVDQU   Y0, (DI)
	VMOVDQU   Y1, 32(DI)
	ADDQ      $32, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JMP       bfx16

bfx8:
	TESTQ     CX, CX
	JZ        bfdone
	VPMOVZXWD (SI), Y0
	VPSLLD    $16, Y0, Y0
	VMOVDQU   Y0, (DI)

bfdone:
	VZEROUPPER
	RET

// func bf16ToF32AVX512(dst *float32, src *uint16, n int)
TEXT ·bf16ToF32AVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

bf512x32:
	CMPQ      CX, $32
	JB        bf512x16
	VPMOVZXWD (SI), Z0
	VPMOVZXWD 32(SI), Z1
	VPSLLD    $16, Z0, Z0
	VPSLLD    $16, Z1, Z1
	VMOVDQU32 Z0, (DI)
	VMOVDQU32 Z1, 64(DI)
	ADDQ      $64, SI
	ADDQ      $128, DI
	SUBQ      $32, CX
	JMP       bf512x32

bf512x16:
	TESTQ     CX, CX
	JZ        bf512done
	VPMOVZXWD (SI), Z0
	VPSLLD    $16, Z0, Z0
	VMOVDQU32 Z0, (DI)

bf512done:
	VZEROUPPER
	RET

// func f32ToBF16AVX2(dst *uint16, src *float32, n int)
// Round to nearest even with integer arithmetic, the reference's formula:
// (x + 0x7fff + (x>>16 & 1)) >> 16; NaN lanes take x>>16 | 0x40 instead.
TEXT ·f32ToBF16AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

	// Y15 = 1, Y14 = 0x7fff, Y13 = 0x40 in every dword.
	MOVL         $1, AX
	VMOVD        AX, X15
	VPBROADCASTD X15, Y15
	MOVL         $0x7fff, AX
	VMOVD        AX, X14
	VPBROADCASTD X14, Y14
	MOVL         $0x40, AX
	VMOVD        AX, X13
	VPBROADCASTD X13, Y13

tobf8:
	VMOVDQU      (SI), Y0
	VPSRLD       $16, Y0, Y2       // x >> 16
	VPAND        Y15, Y2, Y1       // lsb of the kept part
	VPADDD       Y14, Y1, Y1       // rounding bias
	VPADDD       Y0, Y1, Y1
	VPSRLD       $16, Y1, Y1       // rounded
	VPOR         Y13, Y2, Y2       // quiet NaN
	VCMPPS       $3, Y0, Y0, Y3    // unordered: NaN lanes all ones
	VPBLENDVB    Y3, Y2, Y1, Y1
	VEXTRACTI128 $1, Y1, X4        // pack 8 dwords (each < 2^16) to words
	VPACKUSDW    X4, X1, X1
	VMOVDQU      X1, (DI)
	ADDQ         $32, SI
	ADDQ         $16, DI
	SUBQ         $8, CX
	JNZ          tobf8

	VZEROUPPER
	RET

// func f32ToBF16AVX512(dst *uint16, src *float32, n int)
TEXT ·f32ToBF16AVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

	// Z15 = 1, Z14 = 0x7fff, Z13 = 0x40 in every dword.
	MOVL         $1, AX
	VPBROADCASTD AX, Z15
	MOVL         $0x7fff, AX
	VPBROADCASTD AX, Z14
	MOVL         $0x40, AX
	VPBROADCASTD AX, Z13

tobf512:
	VMOVDQU32 (SI), Z0
	VPSRLD    $16, Z0, Z2          // x >> 16
	VPANDD    Z15, Z2, Z1          // lsb of the kept part
	VPADDD    Z14, Z1, Z1          // rounding bias
	VPADDD    Z0, Z1, Z1
	VPSRLD    $16, Z1, Z1          // rounded
	VCMPPS    $3, Z0, Z0, K1       // unordered: NaN lanes
	VPORD     Z13, Z2, K1, Z1      // NaN lanes: x>>16 | 0x40
	VPMOVDW   Z1, (DI)             // narrow 16 dwords to words
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $16, CX
	JNZ       tobf512

	VZEROUPPER
	RET
