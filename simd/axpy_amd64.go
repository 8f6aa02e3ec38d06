//go:build !purego && !noasm

package simd

func axpy(alpha float32, x, y []float32) {
	switch CPU.Level {
	case AVX512:
		axpyAVX512(alpha, x, y)
	case AVX2:
		axpyAVX2(alpha, x, y)
	default:
		axpyGeneric(alpha, x, y)
	}
}

// axpyAVX2 is Axpy, 32 floats per iteration and a scalar tail. It needs
// len(y) >= len(x).
//
//go:noescape
func axpyAVX2(alpha float32, x, y []float32)

// axpyAVX512 is Axpy, 64 floats per iteration and a masked tail. It needs
// len(y) >= len(x).
//
//go:noescape
func axpyAVX512(alpha float32, x, y []float32)
