//go:build !purego && !noasm

package simd

// dotBF16NEON adds nblk blocks of 128 values from a and b and then, if ta
// is not nil, one block from ta and tb, in 64 lanes (16 registers of 4),
// and returns the lanes' halving sum.
//
//go:noescape
func dotBF16NEON(a, b *uint16, nblk int, ta, tb *uint16) float32

func dotBF16(a, b []uint16) float32 {
	if CPU.Level == NEON {
		return dotBF16Split(a, b, dotBF16NEON)
	}
	return dotBF16Generic(a, b)
}
