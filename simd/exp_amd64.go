//go:build !purego && !noasm

package simd

func expSum(x []float32, m float32) float32 {
	var s float32
	done := 0
	switch CPU.Level {
	case AVX512:
		if done = len(x) &^ 15; done > 0 {
			s = expSumAVX512(&x[0], done, m)
		}
	case AVX2:
		if done = len(x) &^ 7; done > 0 {
			s = expSumAVX2(&x[0], done, m)
		}
	}
	return expSumGeneric(x[done:], m, s)
}

func siluMul(dst, g, u []float32) {
	done := 0
	var up *float32
	switch CPU.Level {
	case AVX512:
		if done = len(dst) &^ 15; done > 0 {
			if u != nil {
				up = &u[0]
			}
			siluMulAVX512(&dst[0], &g[0], up, done)
		}
	case AVX2:
		if done = len(dst) &^ 7; done > 0 {
			if u != nil {
				up = &u[0]
			}
			siluMulAVX2(&dst[0], &g[0], up, done)
		}
	}
	if u != nil {
		u = u[done:]
	}
	siluMulGeneric(dst[done:], g[done:], u)
}

// expSumAVX512 is ExpSum over n elements (a multiple of 16), 16 lanes.
//
//go:noescape
func expSumAVX512(x *float32, n int, m float32) float32

// expSumAVX2 is ExpSum over n elements (a multiple of 8), 8 lanes.
//
//go:noescape
func expSumAVX2(x *float32, n int, m float32) float32

// siluMulAVX512 is SiLUMul over n elements (a multiple of 16); u may be nil.
//
//go:noescape
func siluMulAVX512(dst, gate, up *float32, n int)

// siluMulAVX2 is SiLUMul over n elements (a multiple of 8); u may be nil.
//
//go:noescape
func siluMulAVX2(dst, gate, up *float32, n int)
