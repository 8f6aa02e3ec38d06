package simd

import (
	"math"
	"unsafe"
)

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
			_ = d[(np-1)*m] // one bounds check for the strided stores
			pd, stride := unsafe.Pointer(&d[0]), 4*m
			for p := 0; p < np; p++ {
				*(*uint32)(unsafe.Add(pd, p*stride)) = uint32(t[2*p]) | uint32(t[2*p+1])<<16
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

// genericChunk is how many k-pairs of a panel the generic kernel widens
// to float32 at a time (16 KiB on the stack).
const genericChunk = 64

// gemmBF16PanelGeneric does one panel: chunks of k-pairs are widened to
// float32, then two rows by four columns at a time are summed in
// registers, C carrying the sums from chunk to chunk (the same bits as
// one pass). Products are rounded to float32 explicitly (they are exact)
// so no compiler fuses them into an FMA with the sum.
func gemmBF16PanelGeneric(m, n, kp int, a []uint32, b []uint16, c []float32, ldc int, load bool) {
	const nr2 = 2 * GemmBF16NR
	var wb [genericChunk * nr2]float32
	if kp == 0 && !load {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}
	for p0 := 0; p0 < kp; p0 += genericChunk {
		np := min(genericChunk, kp-p0)
		w := wb[:np*nr2]
		for x, h := range b[p0*nr2 : (p0+np)*nr2] {
			w[x] = bf(h)
		}
		ld := load || p0 > 0
		i := 0
		for ; i+2 <= m; i += 2 {
			for j0 := 0; j0 < n; j0 += 4 {
				var s, t [4]float32
				if ld {
					copy(s[:], c[i*ldc+j0:i*ldc+n])
					copy(t[:], c[(i+1)*ldc+j0:(i+1)*ldc+n])
				}
				s0, s1, s2, s3 := s[0], s[1], s[2], s[3]
				t0, t1, t2, t3 := t[0], t[1], t[2], t[3]
				for p := 0; p < np; p++ {
					aa := a[(p0+p)*m+i : (p0+p)*m+i+2]
					x0, x1 := math.Float32frombits(aa[0]<<16), math.Float32frombits(aa[0]&^0xffff)
					y0, y1 := math.Float32frombits(aa[1]<<16), math.Float32frombits(aa[1]&^0xffff)
					bb := w[p*nr2+2*j0 : p*nr2+2*j0+8]
					s0 += float32(x1 * bb[1])
					s1 += float32(x1 * bb[3])
					s2 += float32(x1 * bb[5])
					s3 += float32(x1 * bb[7])
					t0 += float32(y1 * bb[1])
					t1 += float32(y1 * bb[3])
					t2 += float32(y1 * bb[5])
					t3 += float32(y1 * bb[7])
					s0 += float32(x0 * bb[0])
					s1 += float32(x0 * bb[2])
					s2 += float32(x0 * bb[4])
					s3 += float32(x0 * bb[6])
					t0 += float32(y0 * bb[0])
					t1 += float32(y0 * bb[2])
					t2 += float32(y0 * bb[4])
					t3 += float32(y0 * bb[6])
				}
				s, t = [4]float32{s0, s1, s2, s3}, [4]float32{t0, t1, t2, t3}
				copy(c[i*ldc+j0:i*ldc+n], s[:])
				copy(c[(i+1)*ldc+j0:(i+1)*ldc+n], t[:])
			}
		}
		for ; i < m; i++ {
			crow := c[i*ldc : i*ldc+n]
			for j0 := 0; j0 < n; j0 += 4 {
				var s [4]float32
				if ld {
					copy(s[:], crow[j0:])
				}
				s0, s1, s2, s3 := s[0], s[1], s[2], s[3]
				for p := 0; p < np; p++ {
					av := a[(p0+p)*m+i]
					x0, x1 := math.Float32frombits(av<<16), math.Float32frombits(av&^0xffff)
					bb := w[p*nr2+2*j0 : p*nr2+2*j0+8]
					s0 += float32(x1 * bb[1])
					s0 += float32(x0 * bb[0])
					s1 += float32(x1 * bb[3])
					s1 += float32(x0 * bb[2])
					s2 += float32(x1 * bb[5])
					s2 += float32(x0 * bb[4])
					s3 += float32(x1 * bb[7])
					s3 += float32(x0 * bb[6])
				}
				s = [4]float32{s0, s1, s2, s3}
				copy(crow[j0:], s[:])
			}
		}
	}
}

// bf widens one bfloat16 to float32.
func bf(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }
