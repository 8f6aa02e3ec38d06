//go:build !purego && !noasm

package simd

// dotBF16AVX512 (VDPBF16PS) and dotBF16AVX2 (widen + FMA) add nblk blocks
// of 128 values from a and b and then, if ta is not nil, one block from
// ta and tb, in 64 lanes, and return the lanes' halving sum.
//
//go:noescape
func dotBF16AVX512(a, b *uint16, nblk int, ta, tb *uint16) float32

//go:noescape
func dotBF16AVX2(a, b *uint16, nblk int, ta, tb *uint16) float32

func dotBF16(a, b []uint16) float32 {
	switch {
	case CPU.AVX512BF16:
		return dotBF16Split(a, b, dotBF16AVX512)
	case CPU.Level == AVX2 || CPU.Level == AVX512:
		return dotBF16Split(a, b, dotBF16AVX2)
	}
	return dotBF16Generic(a, b)
}
