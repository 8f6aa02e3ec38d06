package simd

import "math"

// packBF16A is PackBF16A without the checks. Rows are rounded with
// F32ToBF16 (the fastest path at the current level; all give the same
// bits) a chunk at a time, then interleaved.
func packBF16A(dst []uint32, a []float32, lda, m, k int) {
	const chunk = 256 // even
	var t [chunk]uint16
	for i := 0; i < m; i++ {
		row := a[i*lda : i*lda+k]
		for k0 := 0; k0 < k; k0 += chunk {
			part := row[k0:min(k0+chunk, k)]
			F32ToBF16(t[:len(part)], part)
			if len(part)&1 == 1 {
				t[len(part)] = 0 // a last odd k pairs with zero
			}
			np := (len(part) + 1) / 2
			d := dst[k0/2*m+i:]
			for p := 0; p < np; p++ {
				d[p*m] = uint32(t[2*p]) | uint32(t[2*p+1])<<16
			}
		}
	}
}

// gemmBF16KernelGeneric is the reference micro-kernel, panel by panel.
func gemmBF16KernelGeneric(m, n, kp int, a []uint32, b []uint16, ldb int, c []float32, ldc int, load bool) {
	for j0 := 0; j0 < n; j0 += GemmBF16NR {
		gemmBF16PanelGeneric(m, min(GemmBF16NR, n-j0), kp, a, b[j0/GemmBF16NR*ldb:], c[j0:], ldc, load)
	}
}

// gemmBF16PanelGeneric does one panel, four columns at a time. Products
// are rounded to float32 explicitly (they are exact) so no compiler fuses
// them into an FMA with the sum.
func gemmBF16PanelGeneric(m, n, kp int, a []uint32, b []uint16, c []float32, ldc int, load bool) {
	const nr2 = 2 * GemmBF16NR
	b = b[:kp*nr2]
	for i := 0; i < m; i++ {
		crow := c[i*ldc : i*ldc+n]
		for j0 := 0; j0 < n; j0 += 4 {
			var s [4]float32
			if load {
				copy(s[:], crow[j0:])
			}
			s0, s1, s2, s3 := s[0], s[1], s[2], s[3]
			for p := 0; p < kp; p++ {
				av := a[p*m+i]
				a0 := math.Float32frombits(av << 16)
				a1 := math.Float32frombits(av &^ 0xffff)
				bb := b[p*nr2+2*j0 : p*nr2+2*j0+8]
				s0 += float32(a1 * bf(bb[1]))
				s0 += float32(a0 * bf(bb[0]))
				s1 += float32(a1 * bf(bb[3]))
				s1 += float32(a0 * bf(bb[2]))
				s2 += float32(a1 * bf(bb[5]))
				s2 += float32(a0 * bf(bb[4]))
				s3 += float32(a1 * bf(bb[7]))
				s3 += float32(a0 * bf(bb[6]))
			}
			s = [4]float32{s0, s1, s2, s3}
			copy(crow[j0:], s[:])
		}
	}
}

// bf widens one bfloat16 to float32.
func bf(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }
