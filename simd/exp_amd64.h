// The vectorised exponential of exp.go as assembler macros, shared by
// exp_amd64.s (ExpSum, SiLUMul) and act_amd64.s (GELUTanh, Softmax).

// Offsets into ·expConst (exp.go): one 32-byte vector per constant.
#define EXP_MAX 0
#define EXP_MIN 32
#define EXP_LOG2E 64
#define EXP_LN2HI 96
#define EXP_LN2LO 128
#define EXP_P0 160
#define EXP_P1 192
#define EXP_P2 224
#define EXP_P3 256
#define EXP_P4 288
#define EXP_P5 320
#define EXP_ONE 352
#define EXP_BIAS 384
#define EXP_SIGN 416
#define GELU_A 448
#define GELU_B 480
#define GELU_XMIN 512

// ---- AVX-512 ----

// LOADEXP512 broadcasts the constants of EXP512: Z18 max, Z19 min,
// Z20 log2e, Z21 ln2hi, Z22 ln2lo, Z23..Z28 p0..p5, Z29 one, Z15 the
// exponent bias (int32).
#define LOADEXP512 \
	VBROADCASTSS ·expConst+EXP_MAX(SB), Z18   \
	VBROADCASTSS ·expConst+EXP_MIN(SB), Z19   \
	VBROADCASTSS ·expConst+EXP_LOG2E(SB), Z20 \
	VBROADCASTSS ·expConst+EXP_LN2HI(SB), Z21 \
	VBROADCASTSS ·expConst+EXP_LN2LO(SB), Z22 \
	VBROADCASTSS ·expConst+EXP_P0(SB), Z23    \
	VBROADCASTSS ·expConst+EXP_P1(SB), Z24    \
	VBROADCASTSS ·expConst+EXP_P2(SB), Z25    \
	VBROADCASTSS ·expConst+EXP_P3(SB), Z26    \
	VBROADCASTSS ·expConst+EXP_P4(SB), Z27    \
	VBROADCASTSS ·expConst+EXP_P5(SB), Z28    \
	VBROADCASTSS ·expConst+EXP_ONE(SB), Z29   \
	VPBROADCASTD ·expConst+EXP_BIAS(SB), Z15

// EXP512 sets v = exp(v) (16 lanes) using n and t as scratch: clamp (NaN
// stays NaN), n = round(v·log2e), r = v − n·ln2, t = (p(r)·r + 1)·r + 1,
// v = t·2ⁿ with 2ⁿ from the exponent field (n = −127 gives 0, 128 +Inf;
// VSCALEFPS would be one instruction, but it keeps t·2¹²⁸ finite for
// t < 1 and makes subnormals for n = −127, unlike EXP256).
#define EXP512(v, n, t) \
	VMINPS       v, Z18, v \
	VMAXPS       v, Z19, v \
	VMULPS       Z20, v, n \
	VRNDSCALEPS  $0, n, n  \
	VFNMADD231PS Z21, n, v \
	VFNMADD231PS Z22, n, v \
	VMOVAPS      Z23, t    \
	VFMADD213PS  Z24, v, t \
	VFMADD213PS  Z25, v, t \
	VFMADD213PS  Z26, v, t \
	VFMADD213PS  Z27, v, t \
	VFMADD213PS  Z28, v, t \
	VFMADD213PS  Z29, v, t \
	VFMADD213PS  Z29, v, t \
	VCVTPS2DQ    n, n      \
	VPADDD       Z15, n, n \
	VPSLLD       $23, n, n \
	VMULPS       n, t, v

// ---- AVX2 ----

// LOADEXP256 loads the constants EXP256 keeps in registers: Y8 max, Y9 min,
// Y10 log2e, Y11 ln2hi, Y12 ln2lo, Y13 one. The polynomial and the
// exponent bias are read from memory.
#define LOADEXP256 \
	VMOVUPS ·expConst+EXP_MAX(SB), Y8    \
	VMOVUPS ·expConst+EXP_MIN(SB), Y9    \
	VMOVUPS ·expConst+EXP_LOG2E(SB), Y10 \
	VMOVUPS ·expConst+EXP_LN2HI(SB), Y11 \
	VMOVUPS ·expConst+EXP_LN2LO(SB), Y12 \
	VMOVUPS ·expConst+EXP_ONE(SB), Y13

// EXP256 sets v = exp(v) (8 lanes) using n and t as scratch, as EXP512.
#define EXP256(v, n, t) \
	VMINPS       v, Y8, v                  \
	VMAXPS       v, Y9, v                  \
	VMULPS       Y10, v, n                 \
	VROUNDPS     $0, n, n                  \
	VFNMADD231PS Y11, n, v                 \
	VFNMADD231PS Y12, n, v                 \
	VMOVUPS      ·expConst+EXP_P0(SB), t    \
	VFMADD213PS  ·expConst+EXP_P1(SB), v, t \
	VFMADD213PS  ·expConst+EXP_P2(SB), v, t \
	VFMADD213PS  ·expConst+EXP_P3(SB), v, t \
	VFMADD213PS  ·expConst+EXP_P4(SB), v, t \
	VFMADD213PS  ·expConst+EXP_P5(SB), v, t \
	VFMADD213PS  Y13, v, t                 \
	VFMADD213PS  Y13, v, t                 \
	VCVTPS2DQ    n, n                      \
	VPADDD       ·expConst+EXP_BIAS(SB), n, n \
	VPSLLD       $23, n, n                 \
	VMULPS       n, t, v
