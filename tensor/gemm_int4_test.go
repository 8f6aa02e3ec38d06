package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/pare-ml/pare/simd"
)

// int4Code returns the signed code of W[j][i].
func int4Code(w *Int4Weights, j, i int) int32 {
	at := j*w.K + i
	return int32(w.Packed[at/2]>>(4*(at%2))&15) - 8
}

// refGemmInt4 is GemmInt4's documented reference loop on the same
// quantized values.
func refGemmInt4(m int, a []float32, lda int, w *Int4Weights) []float32 {
	n, k, group := w.N, w.K, w.Group
	ng := k / group
	qa := make([]int8, m*k)
	sa := make([]float32, m)
	QuantizeRowsInt8(qa, sa, a, m, k, lda)
	c := make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var f float32
			for g := 0; g < ng; g++ {
				var s int32
				for t := g * group; t < (g+1)*group; t++ {
					s += int32(qa[i*k+t]) * int4Code(w, j, t)
				}
				f += float32(float32(s) * w.Scale[j*ng+g])
			}
			c[i*n+j] = f * sa[i]
		}
	}
	return c
}

func checkGemmInt4(t *testing.T, m int, a []float32, lda int, w *Int4Weights, ldc int) []float32 {
	t.Helper()
	n := w.N
	buf := make([]float32, m*ldc+10)
	for i := range buf {
		buf[i] = sentinel
	}
	c := buf[5 : 5+max(0, (m-1)*ldc+n)]
	GemmInt4(m, a, lda, w, c, ldc)
	want := refGemmInt4(m, a, lda, w)
	for i := range buf {
		o := i - 5
		r, j := o/ldc, o%ldc
		if o >= 0 && r < m && j < n {
			if got := buf[i]; math.Float32bits(got) != math.Float32bits(want[r*n+j]) {
				t.Fatalf("m=%d n=%d k=%d group=%d: C[%d][%d] = %g, want %g", m, n, w.K, w.Group, r, j, got, want[r*n+j])
			}
		} else if buf[i] != sentinel {
			t.Fatalf("m=%d n=%d k=%d group=%d: guard cell %d overwritten", m, n, w.K, w.Group, o)
		}
	}
	return c
}

func mustInt4(t testing.TB, w []float32, n, k, group int) *Int4Weights {
	q, err := QuantizeInt4(w, n, k, group)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestGemmInt4Sizes(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	forEachLevel(t, func(t *testing.T) {
		for _, m := range []int{0, 1, 2, 5, 12, 13, 30} {
			for _, n := range []int{1, 16, 17, 40, 129} {
				for _, gk := range [][2]int{{2, 4}, {6, 18}, {8, 16}, {32, 32}, {32, 96}, {64, 128}} {
					group, k := gk[0], gk[1]
					lda, ldc := k+r.IntN(3), n+r.IntN(3)
					a := randMat(r, m*lda+1, 1)[1:]
					w := mustInt4(t, randMat(r, n*k, 0.1), n, k, group)
					checkGemmInt4(t, m, a, lda, w, ldc)
				}
			}
		}
		for _, sz := range [][4]int{{70, 300, 256, 32}, {1, 520, 1024, 32}, {30, 64, 512, 128}} {
			m, n, k, group := sz[0], sz[1], sz[2], sz[3]
			w := mustInt4(t, randMat(r, n*k, 0.05), n, k, group)
			checkGemmInt4(t, m, randMat(r, m*k, 2), k, w, n)
		}
	})
}

// TestGemmInt4Extremes sets every weight code to -8 or 7 (-8 written by
// hand: the quantizer never makes it) and every activation code to ±127.
func TestGemmInt4Extremes(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		m, n, k, group := 13, 33, 1024, 32
		a := make([]float32, m*k)
		for i := range a {
			a[i] = 2
			if (i/3)%2 == 1 {
				a[i] = -2
			}
		}
		w := &Int4Weights{N: n, K: k, Group: group, Packed: make([]byte, n*k/2), Scale: make([]float32, n*k/group)}
		for i := range w.Packed {
			w.Packed[i] = 0x0f // codes 7 (low) and -8 (high)
			if i%3 == 0 {
				w.Packed[i] = 0xf0
			}
		}
		for i := range w.Scale {
			w.Scale[i] = 1
		}
		checkGemmInt4(t, m, a, k, w, n)
	})
}

func TestGemmInt4Threads(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	m, n, k := 77, 300, 256
	a := randMat(r, m*k, 1)
	w := mustInt4(t, randMat(r, n*k, 0.1), n, k, 32)
	var first []float32
	for _, l := range simd.Levels() {
		for _, p := range []int{1, 2, 3, 8} {
			restore := simd.SetLevel(l)
			old := runtime.GOMAXPROCS(p)
			c := make([]float32, m*n)
			GemmInt4(m, a, k, w, c, n)
			runtime.GOMAXPROCS(old)
			restore()
			if first == nil {
				first = c
				continue
			}
			for i := range c {
				if math.Float32bits(c[i]) != math.Float32bits(first[i]) {
					t.Fatalf("%s GOMAXPROCS=%d: C[%d] = %g differs from %g", l, p, i, c[i], first[i])
				}
			}
		}
	}
}

// TestGemmInt4Error bounds the difference from the f32 product as in
// TestGemmInt8Error, with group scales for W.
func TestGemmInt4Error(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	m, n, k, group := 20, 50, 512, 32
	a := randMat(r, m*k, 1)
	wf := randMat(r, n*k, 0.05)
	w := mustInt4(t, wf, n, k, group)
	c := make([]float32, m*n)
	GemmInt4(m, a, k, w, c, n)
	qa := make([]int8, m*k)
	sa := make([]float32, m)
	QuantizeRowsInt8(qa, sa, a, m, k, k)
	wd := w.Dequantize()
	var num, den float64
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var exact, bound float64
			for t := 0; t < k; t++ {
				av, wv := float64(a[i*k+t]), float64(wf[j*k+t])
				sw := float64(w.Scale[j*(k/group)+t/group])
				exact += av * wv
				bound += math.Abs(av)*sw/2 + math.Abs(float64(wd[j*k+t]))*float64(sa[i])/2
			}
			d := math.Abs(float64(c[i*n+j]) - exact)
			if d > bound*1.001+1e-5 {
				t.Fatalf("C[%d][%d]: error %g above bound %g", i, j, d, bound)
			}
			num += d * d
			den += exact * exact
		}
	}
	rel := math.Sqrt(num / den)
	t.Logf("relative Frobenius error %.4f", rel)
	if rel > 0.15 {
		t.Fatalf("relative Frobenius error %.4f, want < 15%%", rel)
	}
}

func TestQuantizeInt4(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	n, k, group := 5, 64, 32
	wf := randMat(r, n*k, 1)
	for i := 0; i < group; i++ {
		wf[2*k+group+i] = 0 // an all-zero group
	}
	w := mustInt4(t, wf, n, k, group)
	d := w.Dequantize()
	for j := 0; j < n; j++ {
		for g := 0; g < k/group; g++ {
			var amax float32
			for _, v := range wf[j*k+g*group : j*k+(g+1)*group] {
				amax = max(amax, float32(math.Abs(float64(v))))
			}
			s := w.Scale[j*(k/group)+g]
			if s != amax/7 {
				t.Fatalf("row %d group %d: scale %g want %g", j, g, s, amax/7)
			}
			for i := g * group; i < (g+1)*group; i++ {
				if q := int4Code(w, j, i); q < -7 || q > 7 {
					t.Fatalf("code %d", q)
				}
				if e := math.Abs(float64(d[j*k+i] - wf[j*k+i])); e > float64(s)*0.5001 {
					t.Fatalf("W[%d][%d]: error %g > scale/2 = %g", j, i, e, s/2)
				}
			}
		}
	}
	if w.Scale[2*2+1] != 0 || d[2*k+group] != 0 {
		t.Fatal("zero group not kept at zero")
	}
	// packing: low nibble first, offset 8
	one := mustInt4(t, []float32{7, -7, 0, 1}, 1, 4, 2)
	if one.Packed[0] != 0x1f || one.Packed[1] != 0xf8 { // 7→15, -7→1, 0→8, 1 (the group max)→15
		t.Fatalf("packed % x, want 1f f8", one.Packed)
	}
}

func TestQuantizeInt4Errors(t *testing.T) {
	cases := []struct {
		w           []float32
		n, k, group int
	}{
		{make([]float32, 6), 1, 6, 4},  // k not a multiple of group
		{make([]float32, 6), 1, 6, 3},  // odd group
		{make([]float32, 6), 1, 6, 0},  // zero group
		{make([]float32, 5), 1, 6, 2},  // wrong length
		{make([]float32, 6), -1, 6, 2}, // negative shape
		{[]float32{1, float32(math.NaN())}, 1, 2, 2},
		{[]float32{1, float32(math.Inf(-1))}, 1, 2, 2},
	}
	for i, c := range cases {
		if _, err := QuantizeInt4(c.w, c.n, c.k, c.group); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
	bad := &Int4Weights{N: 2, K: 4, Group: 2, Packed: make([]byte, 3), Scale: make([]float32, 4)}
	if bad.Validate() == nil {
		t.Error("Validate accepted a short Packed")
	}
}

func FuzzGemmInt4(f *testing.F) {
	f.Add([]byte{1, 200, 3, 4, 90, 6, 7, 8}, uint8(2), uint8(17), uint8(4), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, m8, n8, g8, ng8 uint8) {
		if len(data) == 0 {
			return
		}
		group := 2 * (int(g8%20) + 1)
		m, n, k := int(m8%20), int(n8%40)+1, group*int(ng8%4)
		at := func(i int) float32 { return float32(int8(data[i%len(data)])) / 16 }
		a := make([]float32, m*k)
		for i := range a {
			a[i] = at(i)
		}
		wf := make([]float32, n*k)
		for i := range wf {
			wf[i] = at(len(a) + 3*i)
		}
		w := mustInt4(t, wf, n, k, group)
		for _, l := range simd.Levels() {
			restore := simd.SetLevel(l)
			checkGemmInt4(t, m, a, k, w, n)
			restore()
		}
	})
}

func ExampleGemmInt4() {
	// One token through a 2×4 weight in groups of 2.
	w, err := QuantizeInt4([]float32{
		1, -1, 0.5, 0.5,
		2, 2, -2, -2,
	}, 2, 4, 2)
	if err != nil {
		panic(err)
	}
	x := []float32{1, 0, 0, 1}
	y := make([]float32, 2)
	GemmInt4(1, x, 4, w, y, 2)
	fmt.Printf("%.1f %.1f\n", y[0], y[1])
	// Output: 1.5 0.0
}

func BenchmarkGemmInt4(b *testing.B) {
	benchGemm(b, GemmInt4Path, func(wf []float32, n, k int) func(int, []float32, []float32) {
		w := mustInt4(b, wf, n, k, 32)
		return func(m int, a, c []float32) { GemmInt4(m, a, k, w, c, n) }
	})
}
