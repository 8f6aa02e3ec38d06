//go:build !purego && !noasm

package simd

// The SDOT kernels handle n rounded down to 32 bytes; the Go reference
// finishes the tail. Without the dot-product extension the reference runs.

//go:noescape
func dotS8S8SDOT(a, b *int8, n int) int32

//go:noescape
func dotU8S8SDOT(a *uint8, b *int8, n int) int32

func dotS8S8(a, b []int8) int32 {
	n := len(a)
	if CPU.ASIMDDP && n >= 32 {
		m := n &^ 31
		return dotS8S8SDOT(&a[0], &b[0], m) + dotS8S8Generic(a[m:], b[m:])
	}
	return dotS8S8Generic(a, b)
}

func dotU8S8(a []uint8, b []int8) int32 {
	n := len(a)
	if CPU.ASIMDDP && n >= 32 {
		m := n &^ 31
		return dotU8S8SDOT(&a[0], &b[0], m) + dotU8S8Generic(a[m:], b[m:])
	}
	return dotU8S8Generic(a, b)
}
