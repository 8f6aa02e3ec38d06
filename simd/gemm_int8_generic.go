package simd

// gemmS8BlockGeneric is the reference kernel over the packed formats: kq
// k-quads, A block of mr rows, np panels of plen bytes.
func gemmS8BlockGeneric(mr, rows, np, kq int, blk []int8, b []int8, acc []int32, ldacc int) {
	plen := 64 * kq
	for p := 0; p < np; p++ {
		panel := b[p*plen : (p+1)*plen]
		for r := 0; r < rows; r++ {
			var s [16]int32
			for q := 0; q < kq; q++ {
				a := blk[4*(mr*q+r) : 4*(mr*q+r)+4]
				a0, a1, a2, a3 := int32(a[0]), int32(a[1]), int32(a[2]), int32(a[3])
				w := panel[64*q : 64*q+64]
				for j := range s {
					s[j] += a0*int32(w[4*j]) + a1*int32(w[4*j+1]) + a2*int32(w[4*j+2]) + a3*int32(w[4*j+3])
				}
			}
			copy(acc[r*ldacc+16*p:], s[:])
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
