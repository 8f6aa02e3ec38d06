package simd

// gemmS8BlockGeneric is the reference kernel over the packed formats: kq
// k-quads, A block of mr rows, np panels of 64·kq bytes. Rows go in pairs
// so each weight byte loaded serves two rows.
func gemmS8BlockGeneric(mr, rows, np, kq int, blk []int8, b []int8, acc []int32, ldacc int) {
	plen := 64 * kq
	for p := 0; p < np; p++ {
		panel := b[p*plen : (p+1)*plen]
		for r := 0; r < rows; r += 2 {
			r1 := min(r+1, rows-1) // an odd last row is computed twice
			var s0, s1 [16]int32
			for q := 0; q < kq; q++ {
				a := blk[4*(mr*q+r):][:4]
				c := blk[4*(mr*q+r1):][:4]
				a0, a1, a2, a3 := int32(a[0]), int32(a[1]), int32(a[2]), int32(a[3])
				c0, c1, c2, c3 := int32(c[0]), int32(c[1]), int32(c[2]), int32(c[3])
				w := panel[64*q:][:64]
				for j := 0; j < 16; j++ {
					x := w[4*j:][:4]
					w0, w1, w2, w3 := int32(x[0]), int32(x[1]), int32(x[2]), int32(x[3])
					s0[j] += a0*w0 + a1*w1 + a2*w2 + a3*w3
					s1[j] += c0*w0 + c1*w1 + c2*w2 + c3*w3
				}
			}
			copy(acc[r*ldacc+16*p:][:16], s0[:])
			copy(acc[r1*ldacc+16*p:][:16], s1[:])
		}
	}
}

// dequantS32RowGeneric is the reference epilogue for one row.
func dequantS32RowGeneric(c []float32, acc []int32, sa float32, sb []float32) {
	acc, sb = acc[:len(c)], sb[:len(c)]
	for j := range c {
		c[j] = float32(acc[j]) * sb[j] * sa
	}
}
