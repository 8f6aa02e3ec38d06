package simd

import "math"

// Constants of expGeneric (Cephes' expf), also in exp_amd64.s.
const (
	expHi    = 88.3762626647949  // above: +Inf (keeps 2^n normal)
	expLo    = -87.3365447505531 // below: 0 (no subnormal results)
	expLog2e = 1.44269504088896341
	expLn2Hi = 0.693359375 // ln 2 split so that n·expLn2Hi is exact
	expLn2Lo = -2.12194440e-4
	expRound = 12582912 // 1.5·2²³: adding it rounds to an integer
)

// expGeneric returns e^x in float32 within about 2 ulp: x = n·ln2 + r with
// |r| <= ln2/2, e^r by Cephes' degree-6 polynomial, times 2^n. Results
// below e^-87.34 are 0, above e^88.38 +Inf; NaN gives NaN. Every product
// is rounded before it is added (no fused multiply-add), so all
// architectures give the same bits.
func expGeneric(x float32) float32 {
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

// expSumGeneric is the reference ExpSum, from element i0 on, adding to s.
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
