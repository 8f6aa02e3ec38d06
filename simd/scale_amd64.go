//go:build !purego && !noasm

package simd

func scale(alpha float32, x []float32) {
	switch CPU.Level {
	case AVX512:
		scaleAVX512(alpha, x)
	case AVX2:
		scaleAVX2(alpha, x)
	default:
		scaleGeneric(alpha, x)
	}
}

// scaleAVX2 is Scale, 32 floats per iteration and a scalar tail.
//
//go:noescape
func scaleAVX2(alpha float32, x []float32)

// scaleAVX512 is Scale, 64 floats per iteration and a masked tail.
//
//go:noescape
func scaleAVX512(alpha float32, x []float32)
