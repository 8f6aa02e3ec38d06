//go:build !purego && !noasm

package simd

func dot(x, y []float32) float32 {
	switch CPU.Level {
	case AVX512:
		return dotAVX512(x, y)
	case AVX2:
		return dotAVX2(x, y)
	}
	return dotGeneric(x, y)
}

// dotAVX2 is Dot with four 8-wide FMA accumulators and a scalar tail.
// It needs len(y) >= len(x).
//
//go:noescape
func dotAVX2(x, y []float32) float32

// dotAVX512 is Dot with four 16-wide FMA accumulators and a masked tail.
// It needs len(y) >= len(x).
//
//go:noescape
func dotAVX512(x, y []float32) float32
