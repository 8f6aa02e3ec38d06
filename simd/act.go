package simd

// Activations built on the vectorised exponential of exp.go: the tanh
// approximation of GELU and a scaled softmax.

// GELUTanh applies the tanh approximation of GELU in place:
//
//	x[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
//
// computed as x / (1 + exp(−2·√(2/π)·(x + 0.044715·x³))), the same function
// written with the logistic sigmoid (1 + tanh(u) = 2/(1 + exp(−2u))), which
// has no cancellation for negative x. The reference is geluTanhGeneric
// (scalar f32 with expGeneric and the SIMD levels' multiply-add for the
// cubic). Against the same formula in float64 the relative error is below
// 1e-6 for x ≥ −3 and grows as 2e-7·|v| below that
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

// Constants of GELUTanh, also in expConst for the assembly.
const (
	geluA    = -1.5957691216057308            // −2·√(2/π)
	geluB    = -1.5957691216057308 * 0.044715 // −2·√(2/π)·0.044715
	geluXMin = -10                            // GELUTanh treats x < −10 as −10
)
