package simd

import "math"

// actExpGeneric is the f32 exponential of the vector kernels (see act.go),
// one value at a time.
func actExpGeneric(v float32) float32 {
	const magic = 12582912 // 1.5·2²³: adding it rounds to an integer (to even)
	v = min(max(v, actExpLo), actExpHi)
	t := float32(v*log2e) + magic // the conversion keeps the product rounded
	n := t - magic
	r := v - n*ln2Hi
	r -= n * ln2Lo
	p := ((((expP0*r+expP1)*r+expP2)*r+expP3)*r+expP4)*r + expP5
	e := (p*r+1)*r + 1 // 1 + r + r²·P(r), Horner form
	// t's low mantissa bits hold n + 2²², so n+127 is their offset.
	return e * math.Float32frombits(uint32(int32(math.Float32bits(t))-0x4b400000+127)<<23)
}

// geluTanhGeneric is the reference GELUTanh.
func geluTanhGeneric(x []float32) {
	for i, v := range x {
		v = max(v, geluXMin)
		u := v * (geluA + geluB*(v*v))
		x[i] = v / (1 + actExpGeneric(u))
	}
}

// softmaxGeneric is the reference Softmax.
func softmaxGeneric(x []float32, scale float32) {
	m := x[0]
	for _, v := range x[1:] {
		m = max(m, v)
	}
	var s float32
	for i, v := range x {
		e := actExpGeneric((v - m) * scale)
		x[i] = e
		s += e
	}
	inv := 1 / s
	for i := range x {
		x[i] *= inv
	}
}
