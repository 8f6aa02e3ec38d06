//go:build !purego && !noasm

package simd

func gatedAdd(x, gate, y, bias []float32) {
	var n int
	switch CPU.Level {
	case AVX512:
		if n = len(x) &^ 15; n > 0 {
			gatedAddAVX512(x[:n], gate, y, bias)
		}
	case AVX2:
		if n = len(x) &^ 7; n > 0 {
			gatedAddAVX2(x[:n], gate, y, bias)
		}
	}
	gatedAddGeneric(x[n:], gate[n:], y[n:], bias[n:])
}

func layerNormModulate(dst, x, shift, scale1 []float32, eps float32) {
	switch {
	case CPU.Level == AVX512 && len(x)%16 == 0:
		layerNormModulateAVX512(dst, x, shift, scale1, eps)
	case CPU.Level == AVX2 && len(x)%8 == 0:
		layerNormModulateAVX2(dst, x, shift, scale1, eps)
	default:
		layerNormModulateGeneric(dst, x, shift, scale1, eps)
	}
}

// gatedAddAVX512 is GatedAdd for len(x) a multiple of 16, the other
// slices at least as long.
//
//go:noescape
func gatedAddAVX512(x, gate, y, bias []float32)

// gatedAddAVX2 is GatedAdd for len(x) a multiple of 8.
//
//go:noescape
func gatedAddAVX2(x, gate, y, bias []float32)

// layerNormModulateAVX512 is LayerNormModulate for len(x) a positive
// multiple of 16, the other slices as long: 16 lane sums reduced in a
// fixed tree.
//
//go:noescape
func layerNormModulateAVX512(dst, x, shift, scale1 []float32, eps float32)

// layerNormModulateAVX2 is LayerNormModulate for len(x) a positive
// multiple of 8.
//
//go:noescape
func layerNormModulateAVX2(dst, x, shift, scale1 []float32, eps float32)
