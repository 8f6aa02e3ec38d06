//go:build !purego && !noasm

package simd

// The assembly kernels handle n rounded down to their block (64 bytes for
// VNNI, 32 for AVX2); the Go reference finishes the tail.

//go:noescape
func dotS8S8VNNI(a, b *int8, n int) int32

//go:noescape
func dotU8S8VNNI(a *uint8, b *int8, n int) int32

//go:noescape
func dotS8S8AVX2(a, b *int8, n int) int32

//go:noescape
func dotU8S8AVX2(a *uint8, b *int8, n int) int32

func dotS8S8(a, b []int8) int32 {
	n := len(a)
	switch {
	case CPU.AVX512VNNI && n >= 64:
		m := n &^ 63
		return dotS8S8VNNI(&a[0], &b[0], m) + dotS8S8Generic(a[m:], b[m:])
	case CPU.Level >= AVX2 && n >= 32:
		m := n &^ 31
		return dotS8S8AVX2(&a[0], &b[0], m) + dotS8S8Generic(a[m:], b[m:])
	}
	return dotS8S8Generic(a, b)
}

func dotU8S8(a []uint8, b []int8) int32 {
	n := len(a)
	switch {
	case CPU.AVX512VNNI && n >= 64:
		m := n &^ 63
		return dotU8S8VNNI(&a[0], &b[0], m) + dotU8S8Generic(a[m:], b[m:])
	case CPU.Level >= AVX2 && n >= 32:
		m := n &^ 31
		return dotU8S8AVX2(&a[0], &b[0], m) + dotU8S8Generic(a[m:], b[m:])
	}
	return dotU8S8Generic(a, b)
}
