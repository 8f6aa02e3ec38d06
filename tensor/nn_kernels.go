package tensor

import (
	"math"

	"github.com/pare-ml/pare/simd"
)

// Inner loops of the neural-network operations. Each is a plain reference
// loop kept small on purpose: the operations in nn_*.go call only these for
// their O(n) work, so a loop can be switched to a SIMD kernel (simd.Dot,
// simd.Axpy, ...) in one place without touching the math around it.
//
// All of them panic (index out of range) if the slices are shorter than
// documented: that is a programming error.

// dotF32 returns Σ x[i]·y[i] over i < len(x) (simd.Dot: f32 lanes).
func dotF32(x, y []float32) float32 { return simd.Dot(x, y[:len(x)]) }

// axpyF32 computes y[i] += alpha·x[i] for i < len(x).
func axpyF32(alpha float32, x, y []float32) { simd.Axpy(alpha, x, y[:len(x)]) }

// scaleF32 computes x[i] *= alpha.
func scaleF32(alpha float32, x []float32) {
	for i := range x {
		x[i] *= alpha
	}
}

// sumF32 returns Σ x[i], accumulated in f32.
func sumF32(x []float32) float32 {
	var s float32
	for _, v := range x {
		s += v
	}
	return s
}

// maxF32 returns the largest element of x (-Inf for an empty x). NaNs are
// skipped unless every element is NaN.
func maxF32(x []float32) float32 {
	m := float32(math.Inf(-1))
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	return m
}

// expSubF32 computes x[i] = exp(x[i] - m) and returns Σ x[i] (f32
// accumulation), with expF32.
func expSubF32(x []float32, m float32) float32 {
	var s float32
	for i, v := range x {
		e := expF32(v - m)
		x[i] = e
		s += e
	}
	return s
}

// siluF32 computes x[i] = x[i]·sigmoid(x[i]) = x[i] / (1 + exp(-x[i])).
func siluF32(x []float32) {
	for i, v := range x {
		x[i] = v / (1 + expF32(-v))
	}
}

// swigluF32 computes dst[i] = silu(gate[i])·up[i] for i < len(dst), one
// element at a time so dst may alias gate or up.
func swigluF32(dst, gate, up []float32) {
	gate, up = gate[:len(dst)], up[:len(dst)]
	for i, g := range gate {
		dst[i] = g / (1 + expF32(-g)) * up[i]
	}
}

// Constants of expF32 (Cephes' expf).
const (
	expHi    = 88.3762626647949  // above: +Inf (keeps 2^n normal)
	expLo    = -87.3365447505531 // below: 0 (no subnormal results)
	expLog2e = 1.44269504088896341
	expLn2Hi = 0.693359375 // ln 2 split so that n·expLn2Hi is exact
	expLn2Lo = -2.12194440e-4
	expRound = 12582912 // 1.5·2²³: adding it rounds to an integer
)

// expF32 returns e^x in f32 within about 2 ulp: x = n·ln2 + r with |r| <=
// ln2/2, e^r by Cephes' degree-6 polynomial, times 2^n. Results below
// e^-87.34 are 0, above e^88.38 +Inf; NaN gives NaN. Every product is
// rounded before it is added (no fused multiply-add), so all architectures
// give the same bits.
func expF32(x float32) float32 {
	if !(x > expLo) {
		if x != x {
			return x
		}
		return 0
	}
	if x > expHi {
		return float32(math.Inf(1))
	}
	n := float32(float32(x*expLog2e)+expRound) - expRound
	r := float32(x-float32(n*expLn2Hi)) - float32(n*expLn2Lo)
	p := float32(1.9875691500e-4)
	p = float32(p*r) + 1.3981999507e-3
	p = float32(p*r) + 8.3334519073e-3
	p = float32(p*r) + 4.1665795894e-2
	p = float32(p*r) + 1.6666665459e-1
	p = float32(p*r) + 5.0000001201e-1
	y := float32(float32(float32(p*r)*r)+r) + 1
	return y * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// geluTanhF32 computes the tanh approximation of GELU in place:
// x[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
func geluTanhF32(x []float32) {
	const c = 0.7978845608028654 // √(2/π)
	for i, v := range x {
		z := float64(v)
		x[i] = float32(0.5 * z * (1 + math.Tanh(c*(z+0.044715*z*z*z))))
	}
}
