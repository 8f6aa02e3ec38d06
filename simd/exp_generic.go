package simd

import "math"

// fmaF32 returns a·b + c rounded to float32 as a fused multiply-add does:
// the product of two float32 is exact in float64, so only the sum is
// rounded, to float64 and then to float32 (very rarely an ulp off a true
// FMA, when the float64 sum falls exactly between two float32). Go may
// fuse the float64 expression; with an exact product that changes nothing,
// so every architecture gives the same bits.
func fmaF32(a, b, c float32) float32 {
	return float32(float64(a)*float64(b) + float64(c))
}

// expGeneric is the reference exponential (see exp.go): the same n and
// polynomial as the vector kernels, with r = x − n·ln2, the polynomial
// (Estrin's scheme, a shorter chain than Horner's) and e·2ⁿ in float64 and
// one rounding to float32 at the end, so that it is at least as accurate as
// they are (they round each step to float32). The limits are tested
// first: at or below expUnder the clamped computation gives 0 and at or
// above expOver +Inf, and in between it clamps nothing. Every product is
// converted before it is added, so Go fuses nothing and all architectures
// give the same bits.
func expGeneric(x float32) float32 {
	if !(x > expUnder) {
		if x != x {
			return x
		}
		return 0
	}
	if x >= expOver {
		return float32(math.Inf(1))
	}
	const (
		p0, p1, p2 = float64(float32(expP0)), float64(float32(expP1)), float64(float32(expP2))
		p3, p4, p5 = float64(float32(expP3)), float64(float32(expP4)), float64(float32(expP5))
	)
	n := float32(float32(x*expLog2e)+expRound) - expRound
	r := float64(x) - float64(float64(n)*math.Ln2)
	r2 := float64(r * r)
	a := float64(p0*r) + p1
	b := float64(p2*r) + p3
	c := float64(p4*r) + p5
	p := float64(float64(float64(a*r2)+b)*r2) + c
	e := float64(float64(p*r2)+r) + 1 // 1 + r + r²·p
	return float32(e * float64(math.Float32frombits(uint32(int32(n)+127)<<23)))
}

// expSumGeneric is the reference ExpSum, adding to s.
func expSumGeneric(x []float32, m, s float32) float32 {
	for i, v := range x {
		e := expGeneric(v - m)
		x[i] = e
		s += e
	}
	return s
}

// siluMulGeneric is the reference SiLUMul.
func siluMulGeneric(dst, g, u []float32) {
	if u == nil {
		for i, v := range g {
			dst[i] = v / (1 + expGeneric(-v))
		}
		return
	}
	for i, v := range g {
		dst[i] = v / (1 + expGeneric(-v)) * u[i]
	}
}
