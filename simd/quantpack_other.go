//go:build purego || noasm || !amd64

package simd

func quantPackRow(blk []int8, sums []int32, r, mr int, x []float32, inv float32, group int) bool {
	return false
}

func quantPackFused(group int) bool { return false }
