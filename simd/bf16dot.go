package simd

// DotBF16 returns the dot product of two bfloat16 vectors (raw bits) with
// float32 accumulation. It panics if the lengths differ.
//
// Every path adds in the same order, the one VDPBF16PS on 64 lanes gives:
// pad a and b with zeros to a multiple of 128 values; pair p (values 2p
// and 2p+1) goes to lane p mod 64, which adds the odd value's product and
// then the even one's; then the 64 lanes are summed halving (lane l +=
// lane l+32, then l+16, l+8, l+4, l+2, l+1). The reference:
//
//	var s [64]float32
//	for p := 0; p < len(a)/2 (rounded up to 64); p++ {
//		s[p%64] += a[2p+1]·b[2p+1]
//		s[p%64] += a[2p]·b[2p]
//	}
//	for h := 32; h >= 1; h /= 2 { for l < h { s[l] += s[l+h] } }
//	return s[0]
//
// A product of two bfloat16 values is exact in float32 unless it
// overflows or falls below 2^-126, so a fused multiply-add gives the same
// sum as a product and an add, and all paths give the same bits except
// for such products and that VDPBF16PS treats subnormal inputs and lane
// sums as zero.
func DotBF16(a, b []uint16) float32 {
	if len(a) != len(b) {
		panic("simd: DotBF16: lengths differ")
	}
	return dotBF16(a, b)
}

// bf16DotBlock is the number of values one round of 64 lanes takes.
const bf16DotBlock = 128

// dotBF16Split calls blocks(a, b, nblk, ta, tb) with the whole blocks of a
// and b and, when there is a tail, copies of it padded with zeros to one
// block (else nil).
func dotBF16Split(a, b []uint16, blocks func(a, b *uint16, nblk int, ta, tb *uint16) float32) float32 {
	nblk := len(a) / bf16DotBlock
	var pa, pb *uint16
	if nblk > 0 {
		pa, pb = &a[0], &b[0]
	}
	full := nblk * bf16DotBlock
	if full == len(a) {
		return blocks(pa, pb, nblk, nil, nil)
	}
	var ta, tb [bf16DotBlock]uint16
	copy(ta[:], a[full:])
	copy(tb[:], b[full:])
	return blocks(pa, pb, nblk, &ta[0], &tb[0])
}
