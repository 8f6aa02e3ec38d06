//go:build !purego && !noasm

package simd

//go:noescape
func quantPackS8AVX512(dst *int8, stride int, x *float32, n int, inv float32, corr *int32, cstride int, group int)

// quantPackRow quantizes row r of an A block straight into its interleaved
// layout (quad q at blk[4·(mr·q+r)]) and stores −8·Σcodes per group in
// corr[g·mr+r], as PackA's generic loop does. It reports false when this
// CPU or the group size has no fused kernel; the caller then does the
// work itself. blk and corr must hold the whole block.
func quantPackRow(blk []int8, corr []int32, r, mr int, x []float32, inv float32, group int) bool {
	k := len(x)
	if CPU.Level < AVX512 || group%16 != 0 || k == 0 || k%group != 0 ||
		len(blk) < 4*(mr*(k/4-1)+r)+4 || len(corr) < mr*(k/group-1)+r+1 {
		return false
	}
	quantPackS8AVX512(&blk[4*r], 4*mr, &x[0], k, inv, &corr[r], 4*mr, group)
	return true
}
