package simd

import "math"

// gemmS4BlockGeneric is the reference W4A8 kernel over the packed formats:
// ng groups of gp (padded) inputs, A block of mr rows.
func gemmS4BlockGeneric(mr, rows, np, ng, gp int, blk []int8, sa []float32, corr []int32, b []byte, c []float32, ldc int) {
	gbytes := 8*gp + 64
	plen := ng * gbytes
	nv := gp / 8
	for p := 0; p < np; p++ {
		panel := b[p*plen : (p+1)*plen]
		for r := 0; r < rows; r++ {
			var f [16]float32
			for g := 0; g < ng; g++ {
				pg := panel[g*gbytes : (g+1)*gbytes]
				var s [16]int32
				for j := range s {
					s[j] = corr[g*mr+r]
				}
				for v := 0; v < nv; v++ {
					lo := blk[4*(mr*(g*gp/4+v)+r):][:4]
					hi := blk[4*(mr*(g*gp/4+nv+v)+r):][:4]
					vec := pg[64*v : 64*v+64]
					for j := range s {
						for t := 0; t < 4; t++ {
							u := vec[4*j+t]
							s[j] += int32(lo[t])*int32(u&15) + int32(hi[t])*int32(u>>4)
						}
					}
				}
				sc := pg[8*gp:]
				for j := range f {
					w := math.Float32frombits(uint32(sc[4*j]) | uint32(sc[4*j+1])<<8 | uint32(sc[4*j+2])<<16 | uint32(sc[4*j+3])<<24)
					f[j] += float32(float32(s[j]) * w)
				}
			}
			out := c[r*ldc+16*p : r*ldc+16*p+16]
			for j := range out {
				out[j] = f[j] * sa[r]
			}
		}
	}
}
