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
// accumulation): simd.ExpSum, a polynomial exponential within about 2 ulp.
func expSubF32(x []float32, m float32) float32 { return simd.ExpSum(x, m) }

// siluF32 computes x[i] = x[i]·sigmoid(x[i]) = x[i] / (1 + exp(-x[i])).
func siluF32(x []float32) { simd.SiLUMul(x, x, nil) }

// swigluF32 computes dst[i] = silu(gate[i])·up[i] for i < len(dst); dst
// may be gate or up.
func swigluF32(dst, gate, up []float32) { simd.SiLUMul(dst, gate, up) }

// geluTanhF32 computes the tanh approximation of GELU in place:
// x[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
func geluTanhF32(x []float32) {
	const c = 0.7978845608028654 // √(2/π)
	for i, v := range x {
		z := float64(v)
		x[i] = float32(0.5 * z * (1 + math.Tanh(c*(z+0.044715*z*z*z))))
	}
}
