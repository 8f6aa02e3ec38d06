package simd

import "math"

// gemmS4BlockGeneric is the reference W4A8 kernel over the packed formats:
// ng groups of gp (padded) inputs, A block of mr rows. Rows go in pairs so
// each unpacked weight serves two rows.
func gemmS4BlockGeneric(mr, rows, np, ng, gp int, blk []int8, sa []float32, corr []int32, b []byte, c []float32, ldc int) {
	gbytes := 8*gp + 64
	plen := ng * gbytes
	nv := gp / 8
	for p := 0; p < np; p++ {
		panel := b[p*plen : (p+1)*plen]
		for r := 0; r < rows; r += 2 {
			r1 := min(r+1, rows-1) // an odd last row is computed twice
			var f0, f1 [16]float32
			for g := 0; g < ng; g++ {
				pg := panel[g*gbytes : (g+1)*gbytes]
				var s0, s1 [16]int32
				for j := range s0 {
					s0[j], s1[j] = corr[g*mr+r], corr[g*mr+r1]
				}
				for v := 0; v < nv; v++ {
					ql, qh := mr*(g*gp/4+v), mr*(g*gp/4+nv+v)
					al, ah := blk[4*(ql+r):][:4], blk[4*(qh+r):][:4]
					cl, ch := blk[4*(ql+r1):][:4], blk[4*(qh+r1):][:4]
					a0, a1, a2, a3 := int32(al[0]), int32(al[1]), int32(al[2]), int32(al[3])
					a4, a5, a6, a7 := int32(ah[0]), int32(ah[1]), int32(ah[2]), int32(ah[3])
					c0, c1, c2, c3 := int32(cl[0]), int32(cl[1]), int32(cl[2]), int32(cl[3])
					c4, c5, c6, c7 := int32(ch[0]), int32(ch[1]), int32(ch[2]), int32(ch[3])
					vec := pg[64*v:][:64]
					for j := 0; j < 16; j++ {
						x := vec[4*j:][:4]
						l0, l1, l2, l3 := int32(x[0]&15), int32(x[1]&15), int32(x[2]&15), int32(x[3]&15)
						h0, h1, h2, h3 := int32(x[0]>>4), int32(x[1]>>4), int32(x[2]>>4), int32(x[3]>>4)
						s0[j] += a0*l0 + a1*l1 + a2*l2 + a3*l3 + a4*h0 + a5*h1 + a6*h2 + a7*h3
						s1[j] += c0*l0 + c1*l1 + c2*l2 + c3*l3 + c4*h0 + c5*h1 + c6*h2 + c7*h3
					}
				}
				sc := pg[8*gp:][:64]
				for j := 0; j < 16; j++ {
					x := sc[4*j:][:4]
					w := math.Float32frombits(uint32(x[0]) | uint32(x[1])<<8 | uint32(x[2])<<16 | uint32(x[3])<<24)
					f0[j] += float32(float32(s0[j]) * w)
					f1[j] += float32(float32(s1[j]) * w)
				}
			}
			o0, o1 := c[r*ldc+16*p:][:16], c[r1*ldc+16*p:][:16]
			for j := range o0 {
				o0[j] = f0[j] * sa[r]
				o1[j] = f1[j] * sa[r1]
			}
		}
	}
}
