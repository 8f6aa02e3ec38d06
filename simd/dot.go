package simd

// Dot returns the inner product Σ x[i]·y[i]. It panics if len(x) != len(y).
//
// The reference (dotGeneric) is
//
//	var s [4]float32
//	for i := range x {
//		s[i%4] += x[i] * y[i] // product rounded, then added
//	}
//	return (s[0] + s[1]) + (s[2] + s[3])
//
// Sums accumulate in float32 in several independent lanes: 4 in the
// generic code, 32 with AVX2 (four 8-wide accumulators), 64 with AVX-512
// and 16 with NEON, combined pairwise at the end. The SIMD paths use fused
// multiply-add. Results therefore differ between levels by rounding (a few
// ulps of Σ|x[i]·y[i]|), but each level is deterministic.
func Dot(x, y []float32) float32 {
	if len(x) != len(y) {
		panic("simd: Dot: len(x) != len(y)")
	}
	if len(x) == 0 {
		return 0
	}
	return dot(x, y)
}
