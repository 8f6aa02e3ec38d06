//go:build !purego && !noasm

package simd

func add(dst, a, b []float32) {
	switch CPU.Level {
	case AVX512:
		addAVX512(dst, a, b)
	case AVX2:
		addAVX2(dst, a, b)
	default:
		addGeneric(dst, a, b)
	}
}

// addAVX2 is Add, 32 floats per iteration and a scalar tail. It needs
// len(a), len(b) >= len(dst).
//
//go:noescape
func addAVX2(dst, a, b []float32)

// addAVX512 is Add, 64 floats per iteration and a masked tail. It needs
// len(a), len(b) >= len(dst).
//
//go:noescape
func addAVX512(dst, a, b []float32)
