package simd

import "math"

func dotBF16Generic(a, b []uint16) float32 {
	var s [64]float32
	full := len(a) / bf16DotBlock * bf16DotBlock
	for i := 0; i < full; i += bf16DotBlock {
		dotBF16Block(&s, (*[bf16DotBlock]uint16)(a[i:]), (*[bf16DotBlock]uint16)(b[i:]))
	}
	if full < len(a) {
		var ta, tb [bf16DotBlock]uint16
		copy(ta[:], a[full:])
		copy(tb[:], b[full:])
		dotBF16Block(&s, &ta, &tb)
	}
	return reduce64(&s)
}

// dotBF16Block adds one block of 64 pairs into the 64 lanes.
func dotBF16Block(s *[64]float32, a, b *[bf16DotBlock]uint16) {
	for l := range s {
		va := uint32(a[2*l]) | uint32(a[2*l+1])<<16
		vb := uint32(b[2*l]) | uint32(b[2*l+1])<<16
		s[l] += float32(math.Float32frombits(va&^0xffff) * math.Float32frombits(vb&^0xffff))
		s[l] += float32(math.Float32frombits(va<<16) * math.Float32frombits(vb<<16))
	}
}

// reduce64 sums the lanes halving: l += l+32, l+16, ..., l+1.
func reduce64(s *[64]float32) float32 {
	for h := 32; h >= 1; h /= 2 {
		for l := 0; l < h; l++ {
			s[l] += s[l+h]
		}
	}
	return s[0]
}
