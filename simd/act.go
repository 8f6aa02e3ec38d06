package simd

import "math"

// Activations built on a vectorised exponential: the tanh approximation of
// GELU and a scaled softmax.
//
// exp is evaluated in f32 as Cephes' expf does: v is clamped to [−87, 88],
// n = round(v·log₂e), r = v − n·ln2 (ln2 split in two parts so that r is
// nearly exact), exp(r) ≈ 1 + r + r²·P(r) = (P(r)·r + 1)·r + 1 with a degree-5 polynomial, and
// the result is scaled by 2ⁿ. Its relative error is about 1 ulp (2e-7)
// over the whole range.

// GELUTanh applies the tanh approximation of GELU in place:
//
//	x[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
//
// computed as x / (1 + exp(−2·√(2/π)·(x + 0.044715·x³))), the same function
// written with the logistic sigmoid (1 + tanh(u) = 2/(1 + exp(−2u))), which
// has no cancellation for negative x. The reference is geluTanhGeneric
// (scalar f32 with the exp above); SIMD levels use fused multiply-adds, so
// levels differ by an ulp or two. Against the same formula in float64 the
// relative error is below 1e-6 for x ≥ −3 and grows as 2e-7·|v| below that
// (v = 2·√(2/π)·|x + 0.044715·x³|, the exponent, whose f32 rounding the
// exponential amplifies), where |GELU(x)| < 4e-3. x below −10 is taken as
// −10, so those inputs give GELU(−10) ≈ −1.2e-37 where the true value is
// smaller still (it underflows f32 from about −13 on); +Inf stays +Inf and
// NaN stays NaN.
func GELUTanh(x []float32) {
	if len(x) == 0 {
		return
	}
	geluTanh(x)
}

// Softmax replaces x with softmax(scale·x):
//
//	m = max_i x[i]
//	e[i] = exp(scale·(x[i] − m))        (scale > 0)
//	x[i] = e[i] / Σ_j e[j]
//
// The sum is accumulated in f32 in a fixed order for a given length and
// level (lanes, then a fixed reduction, then the tail), and x is
// multiplied by 1/Σ. scale must be positive; an empty x is left alone.
// The reference is softmaxGeneric.
func Softmax(x []float32, scale float32) {
	if len(x) == 0 {
		return
	}
	softmax(x, scale)
}

// expConst holds the constants of the vector kernels, each repeated for
// the 8 lanes of a YMM register (AVX2 reads whole vectors, AVX-512
// broadcasts the first lane). The order is fixed by the assembly.
var expConst = func() (c [16][8]uint32) {
	vals := [...]float32{
		geluA, geluB, actExpHi, actExpLo, log2e, ln2Hi, ln2Lo,
		expP0, expP1, expP2, expP3, expP4, expP5, 1,
	}
	for l := range c[15] {
		c[15][l] = math.Float32bits(geluXMin)
	}
	for i, v := range vals {
		for l := range c[i] {
			c[i][l] = math.Float32bits(v)
		}
	}
	for l := range c[14] {
		c[14][l] = 127 // exponent bias
	}
	return c
}()

const (
	geluA    = -1.5957691216057308            // −2·√(2/π)
	geluB    = -1.5957691216057308 * 0.044715 // −2·√(2/π)·0.044715
	geluXMin = -10                            // GELUTanh treats x < −10 as −10
	actExpHi = 88                             // exp(88) = 1.65e38 < MaxFloat32
	actExpLo = -87                            // exp(−87) = 1.6e-38, still normal
	log2e    = 1.44269504088896341
	ln2Hi    = 0.693359375 // ln2 = ln2Hi + ln2Lo; n·ln2Hi is exact
	ln2Lo    = -2.12194440e-4
	expP0    = 1.9875691500e-4
	expP1    = 1.3981999507e-3
	expP2    = 8.3334519073e-3
	expP3    = 4.1665795894e-2
	expP4    = 1.6666665459e-1
	expP5    = 5.0000001201e-1
)
