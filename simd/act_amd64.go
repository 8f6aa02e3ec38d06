//go:build !purego && !noasm

package simd

// The vector kernels take whole vectors (16 floats for AVX-512, 8 for
// AVX2); the last few values go through the scalar reference.

func geluTanh(x []float32) {
	var n int
	switch CPU.Level {
	case AVX512:
		if n = len(x) &^ 15; n > 0 {
			geluTanhAVX512(x[:n])
		}
	case AVX2:
		if n = len(x) &^ 7; n > 0 {
			geluTanhAVX2(x[:n])
		}
	}
	geluTanhGeneric(x[n:])
}

func softmax(x []float32, scale float32) {
	var n int
	switch CPU.Level {
	case AVX512:
		n = len(x) &^ 15
	case AVX2:
		n = len(x) &^ 7
	}
	if n == 0 {
		softmaxGeneric(x, scale)
		return
	}
	var m float32
	if CPU.Level == AVX512 {
		m = maxAVX512(x[:n])
	} else {
		m = maxAVX2(x[:n])
	}
	for _, v := range x[n:] {
		m = max(m, v)
	}
	var s float32
	if CPU.Level == AVX512 {
		s = expScaleSumAVX512(x[:n], m, scale)
	} else {
		s = expScaleSumAVX2(x[:n], m, scale)
	}
	for i := n; i < len(x); i++ {
		e := expGeneric((x[i] - m) * scale)
		x[i] = e
		s += e
	}
	Scale(1/s, x)
}

// geluTanhAVX512 is GELUTanh for len(x) a multiple of 16.
//
//go:noescape
func geluTanhAVX512(x []float32)

// geluTanhAVX2 is GELUTanh for len(x) a multiple of 8.
//
//go:noescape
func geluTanhAVX2(x []float32)

// maxAVX512 returns the largest of x, len(x) a positive multiple of 16.
//
//go:noescape
func maxAVX512(x []float32) float32

// maxAVX2 returns the largest of x, len(x) a positive multiple of 8.
//
//go:noescape
func maxAVX2(x []float32) float32

// expScaleSumAVX512 sets x[i] = exp(scale·(x[i] − m)) and returns their
// sum (16 lane sums, then a fixed tree), len(x) a multiple of 16.
//
//go:noescape
func expScaleSumAVX512(x []float32, m, scale float32) float32

// expScaleSumAVX2 is expScaleSumAVX512 for len(x) a multiple of 8.
//
//go:noescape
func expScaleSumAVX2(x []float32, m, scale float32) float32
