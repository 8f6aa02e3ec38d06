//go:build !purego && !noasm

package simd

//go:noescape
func quantPackS8AVX512(dst *int8, stride int, x *float32, n int, inv float32, sums *int32, sstride int, group int)

// quantPackFused reports whether quantPackRow takes rows quantized in
// groups of group codes on this CPU.
func quantPackFused(group int) bool { return CPU.Level >= AVX512 && group > 0 && group%16 == 0 }

// quantPackRow quantizes x (one row of activations, codes
// clamp(round-half-even(x·inv), ±127) as quantizeS8 gives them) straight
// into row r of a byte-quad A block, k-quad q at blk[4·(mr·q+r)], and
// stores the sum of the codes of each group g of the row in
// sums[g·mr+r]. It reports false, having written nothing, when this CPU
// or the group size has no fused kernel.
func quantPackRow(blk []int8, sums []int32, r, mr int, x []float32, inv float32, group int) bool {
	k := len(x)
	if !quantPackFused(group) || k == 0 || k%group != 0 ||
		len(blk) < 4*(mr*(k/4-1)+r)+4 || len(sums) < mr*(k/group-1)+r+1 {
		return false
	}
	quantPackS8AVX512(&blk[4*r], 4*mr, &x[0], k, inv, &sums[r], 4*mr, group)
	return true
}
