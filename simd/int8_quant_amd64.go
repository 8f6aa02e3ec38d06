//go:build !purego && !noasm

package simd

// The assembly loops handle n rounded down to their block; the Go reference
// finishes the tail. Both compute the same float32 product and round half
// to even, so the codes agree exactly.

//go:noescape
func absMaxF32AVX512(x *float32, n int) float32

//go:noescape
func absMaxF32AVX2(x *float32, n int) float32

//go:noescape
func quantizeS8AVX512(q *int8, x *float32, n int, inv float32) int32

//go:noescape
func quantizeS8AVX2(q *int8, x *float32, n int, inv float32) int32

func absMaxF32(x []float32) float32 {
	n := len(x)
	var m float32
	switch {
	case CPU.Level >= AVX512 && n >= 16:
		k := n &^ 15
		m, x = absMaxF32AVX512(&x[0], k), x[k:]
	case CPU.Level >= AVX2 && n >= 8:
		k := n &^ 7
		m, x = absMaxF32AVX2(&x[0], k), x[k:]
	}
	return max(m, absMaxF32Generic(x))
}

func quantizeS8(q []int8, x []float32, inv float32) int32 {
	n := len(x)
	q = q[:n]
	var s int32
	switch {
	case CPU.Level >= AVX512 && n >= 16:
		k := n &^ 15
		s, q, x = quantizeS8AVX512(&q[0], &x[0], k, inv), q[k:], x[k:]
	case CPU.Level >= AVX2 && n >= 32:
		k := n &^ 31
		s, q, x = quantizeS8AVX2(&q[0], &x[0], k, inv), q[k:], x[k:]
	}
	return s + quantizeS8Generic(q, x, inv)
}
