package prune

import (
	"math"
	"testing"

	"github.com/pare-ml/pare/simd"
)

// TestNtRect compares ntRect with the plain loop it documents, bit for
// bit at the Generic level and to rounding on the SIMD levels (float64
// tiles on simd.DotTileF64), over sizes hitting every tile edge, with
// strides wider than the rows and sentinels in the gaps and beyond the end
// of C.
func TestNtRect(t *testing.T) {
	forLevels(t, func(t *testing.T) {
		testNtRect[float64](t)
		testNtRect[float32](t)
	})
}

func testNtRect[T float](t *testing.T) {
	exact := simd.CPU.Level == simd.Generic
	r := newRand(70)
	const sentinel = -12345
	for m := 0; m <= 9; m++ {
		for n := 0; n <= 7; n++ {
			for _, k := range []int{0, 1, 2, 3, 17, 40} {
				for _, sub := range []bool{false, true} {
					lda, ldb, ldc := k+3, k+1, n+2
					a := make([]T, m*lda+1)
					b := make([]T, n*ldb+1)
					for i := range a {
						a[i] = T(r.NormFloat64())
					}
					for i := range b {
						b[i] = T(r.NormFloat64())
					}
					c := make([]T, m*ldc+3)
					for i := range c {
						c[i] = sentinel
					}
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							c[i*ldc+j] = T(r.NormFloat64())
						}
					}
					want := append([]T(nil), c...)
					scale := make([]float64, len(c))
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							var s T
							if !sub {
								s = want[i*ldc+j]
							}
							scale[i*ldc+j] = math.Abs(float64(s))
							for p := 0; p < k; p++ {
								s += T(a[i*lda+p] * b[j*ldb+p])
								scale[i*ldc+j] += math.Abs(float64(a[i*lda+p]) * float64(b[j*ldb+p]))
							}
							if sub {
								s = want[i*ldc+j] - s
								scale[i*ldc+j] += math.Abs(float64(want[i*ldc+j]))
							}
							want[i*ldc+j] = s
						}
					}
					ntRect(m, n, k, a, lda, b, ldb, c, ldc, sub)
					for i := range c {
						same := math.Float64bits(float64(c[i])) == math.Float64bits(float64(want[i]))
						if !exact && !same {
							// Lanes and FMA: within k+2 ulps of the terms' scale.
							same = math.Abs(float64(c[i]-want[i])) <= float64(k+2)*0x1p-52*scale[i]
						}
						if !same {
							t.Fatalf("%T m=%d n=%d k=%d sub=%v: c[%d] = %v, want %v", c[0], m, n, k, sub, i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}

// FuzzWanda checks Wanda's mask against the brute-force selection on
// small layers built from the fuzz input (many ties).
func FuzzWanda(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, uint8(2), uint8(50))
	f.Add([]byte{0, 0, 0, 0, 9, 9, 9, 9}, uint8(1), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, rows, spars uint8) {
		if len(data) < 8 {
			return
		}
		in := 8
		out := int(rows%4) + 1
		w := make([]float32, out*in)
		for i := range w {
			w[i] = float32(int(data[i%len(data)])-128) / 16
		}
		st := NewNormStats(in)
		x := make([]float32, in)
		for j := range x {
			x[j] = float32(data[(j+3)%len(data)] % 4)
		}
		st.Add(x, 1)
		patterns := []Pattern{Unstructured(float64(spars%100) / 100), NM(2, 4), NM(int(spars%7)+1, 8)}
		sc := st.ScalerRow()
		scores := make([]float32, len(w))
		for k, v := range w {
			scores[k] = float32(math.Abs(float64(v))) * float32(math.Sqrt(sc[k%in]))
		}
		for _, p := range patterns {
			got, err := Wanda(w, out, in, st, p)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(bruteMask(scores, out, in, p)) {
				t.Fatalf("%v: mask differs from brute force", p)
			}
		}
	})
}
