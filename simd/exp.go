package simd

import "math"

// The vectorised exponential behind ExpSum, SiLUMul, GELUTanh and Softmax:
// one algorithm (Cephes' expf with fused multiply-adds), one reference
// (expGeneric) and one table of constants (expConst) that every assembly
// kernel reads.
//
//	v = clamp(x, expMin, expMax)           (NaN stays NaN)
//	n = round(v·log₂e)                     (half to even; n in [−127, 128])
//	r = (v − n·ln2Hi) − n·ln2Lo            (ln2 in two parts: r nearly exact)
//	p = ((((p0·r + p1)·r + p2)·r + p3)·r + p4)·r + p5
//	e = (p·r + 1)·r + 1                    (= 1 + r + r²·p)
//	exp(x) = e·2ⁿ, 2ⁿ built in the exponent field: n = −127 gives 0, n = 128 +Inf
//
// The vector kernels (exp_amd64.h) round each multiply-add once to float32
// (FMA): within 1 ulp of e^x where that is a normal float32 (0.86 ulp
// measured, x ≥ −87.3365); below, down to x = −87.683, e^x rounded to a
// subnormal, then 0. x ≥ 88.3763 gives +Inf, and NaN stays NaN. The
// reference expGeneric takes the same n, limits and polynomial and
// evaluates the rest in float64 (0.53 ulp measured), so the two differ by
// at most an ulp; each is deterministic on every machine.

const (
	expMax   = 88.5 // above ln(2^127.5): n = 128, +Inf; clamping keeps n ≤ 128
	expMin   = -88  // below −126.5·ln2: n = −127, 0; clamping keeps n ≥ −127
	expLog2e = 1.44269504088896341
	expLn2Hi = 0.693359375 // ln2 = expLn2Hi + expLn2Lo; n·expLn2Hi is exact
	expLn2Lo = -2.12194440e-4
	expP0    = 1.9875691500e-4
	expP1    = 1.3981999507e-3
	expP2    = 8.3334519073e-3
	expP3    = 4.1665795894e-2
	expP4    = 1.6666665459e-1
	expP5    = 5.0000001201e-1
	expRound = 12582912 // 1.5·2²³: adding it rounds to an integer (half to even)

	// exp(x) is +Inf from expOver up (n = 128) and 0 from expUnder down
	// (n = −127); results are normal from expNormal up. All three are
	// float32 values (tests use them).
	expOver   = 88.37626647949219
	expUnder  = -87.68312835693359
	expNormal = -87.33654022216797
)

// expConst holds the constants of the vector kernels (exp_amd64.h), each
// repeated for the 8 lanes of a YMM register: AVX2 reads whole vectors,
// AVX-512 broadcasts the first lane. The order is fixed by the offsets in
// exp_amd64.h.
var expConst = func() (c [17][8]uint32) {
	vals := [...]float32{
		expMax, expMin, expLog2e, expLn2Hi, expLn2Lo,
		expP0, expP1, expP2, expP3, expP4, expP5, 1,
		0, 0, // exponent bias and sign bit, set below
		geluA, geluB, geluXMin,
	}
	for i, v := range vals {
		for l := range c[i] {
			c[i][l] = math.Float32bits(v)
		}
	}
	for l := range c[12] {
		c[12][l] = 127        // exponent bias (int32)
		c[13][l] = 0x80000000 // sign bit
	}
	return c
}()

// ExpSum computes x[i] = e^(x[i]−m) in place and returns Σ x[i], the
// inner loop of a softmax (m is the row's maximum).
//
// The exponential is the one described above (expGeneric). The reference
// (expSumGeneric) is
//
//	var s float32
//	for i := range x {
//		x[i] = expGeneric(x[i] - m)
//		s += x[i]
//	}
//	return s
//
// The SIMD levels (AVX-512, AVX2) sum in lanes (16 or 8) combined pairwise,
// then add the last elements one by one: the sum differs from the
// reference by rounding, and each level is deterministic. arm64 runs the
// reference.
func ExpSum(x []float32, m float32) float32 {
	if len(x) == 0 {
		return 0
	}
	return expSum(x, m)
}

// SiLUMul computes dst[i] = silu(g[i])·u[i] = g[i]/(1+e^(−g[i]))·u[i], the
// gated activation of Llama's MLP (SwiGLU); with u == nil it computes
// dst[i] = silu(g[i]). The exponential is ExpSum's. dst may be g or u
// (the same slice) but must not overlap them otherwise. It panics if g or
// a non-nil u is shorter than dst.
func SiLUMul(dst, g, u []float32) {
	if len(g) < len(dst) || (u != nil && len(u) < len(dst)) {
		panic("simd: SiLUMul: g or u shorter than dst")
	}
	if len(dst) == 0 {
		return
	}
	g = g[:len(dst)]
	if u != nil {
		u = u[:len(dst)]
	}
	siluMul(dst, g, u)
}
