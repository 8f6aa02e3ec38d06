package simd

// ExpSum computes x[i] = e^(x[i]−m) in place and returns Σ x[i], the
// inner loop of a softmax (m is the row's maximum).
//
// The exponential is expGeneric's algorithm (Cephes' expf: x = n·ln2 + r,
// a degree-6 polynomial for e^r, times 2^n), within about 2 ulp of e^x;
// results below e^-87.34 are 0, above e^88.38 +Inf, NaN stays NaN. The
// reference (expSumGeneric) is
//
//	var s float32
//	for i := range x {
//		x[i] = expGeneric(x[i] - m)
//		s += x[i]
//	}
//	return s
//
// The SIMD levels (AVX-512, AVX2) evaluate the polynomial with fused
// multiply-add and sum in lanes (16 or 8) combined pairwise, then add the
// last elements one by one: results differ from the reference by rounding,
// and each level is deterministic. arm64 runs the reference.
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
