package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/pare-ml/pare/simd"
)

func forEachLevel(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	for _, l := range simd.Levels() {
		t.Run(l.String(), func(t *testing.T) {
			defer simd.SetLevel(l)()
			f(t)
		})
	}
}

func randMat(r *rand.Rand, n int, amp float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64()) * amp
	}
	return x
}

// refGemmInt8 computes GemmInt8's documented reference loop from the same
// quantized values, so the comparison is exact.
func refGemmInt8(m int, a []float32, lda int, w *Int8Weights) []float32 {
	n, k := w.N, w.K
	qa := make([]int8, m*k)
	sa := make([]float32, m)
	QuantizeRowsInt8(qa, sa, a, m, k, lda)
	c := make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s int32
			for t := 0; t < k; t++ {
				s += int32(qa[i*k+t]) * int32(w.Q[j*k+t])
			}
			c[i*n+j] = float32(s) * w.Scale[j] * sa[i]
		}
	}
	return c
}

const sentinel = float32(-12345.5)

// checkGemmInt8 runs GemmInt8 into a C with guard bands (padding columns
// and cells before and after) and compares it exactly with the reference.
func checkGemmInt8(t *testing.T, m int, a []float32, lda int, w *Int8Weights, ldc int) []float32 {
	t.Helper()
	n := w.N
	buf := make([]float32, m*ldc+10)
	for i := range buf {
		buf[i] = sentinel
	}
	c := buf[5 : 5+max(0, (m-1)*ldc+n)]
	GemmInt8(m, a, lda, w, c, ldc)
	want := refGemmInt8(m, a, lda, w)
	for i := range buf {
		o := i - 5
		r, j := o/ldc, o%ldc
		if o >= 0 && r < m && j < n {
			if got := buf[i]; got != want[r*n+j] {
				t.Fatalf("m=%d n=%d k=%d: C[%d][%d] = %g, want %g", m, n, w.K, r, j, got, want[r*n+j])
			}
		} else if buf[i] != sentinel {
			t.Fatalf("m=%d n=%d k=%d: guard cell %d overwritten", m, n, w.K, o)
		}
	}
	return c
}

func TestGemmInt8Sizes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	forEachLevel(t, func(t *testing.T) {
		for _, m := range []int{0, 1, 2, 3, 5, 11, 12, 13, 25, 50} {
			for _, n := range []int{1, 7, 16, 17, 32, 33, 100, 129} {
				for _, k := range []int{1, 3, 4, 5, 16, 31, 64, 67} {
					lda, ldc := k+r.IntN(3), n+r.IntN(3)
					a := randMat(r, m*lda+3, 1)[3:] // misaligned
					w := QuantizeInt8(randMat(r, n*k, 0.1), n, k)
					checkGemmInt8(t, m, a, lda, w, ldc)
				}
			}
		}
		// bigger shapes: several tiles in both directions
		for _, sz := range [][3]int{{70, 300, 256}, {1, 520, 1000}, {130, 40, 515}} {
			m, n, k := sz[0], sz[1], sz[2]
			w := QuantizeInt8(randMat(r, n*k, 0.05), n, k)
			checkGemmInt8(t, m, randMat(r, m*k, 2), k, w, n)
		}
	})
}

// TestGemmInt8Extremes uses codes at the ends of the range: A rows whose
// quantized values are all ±127 and weights of -128 and 127.
func TestGemmInt8Extremes(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		m, n, k := 13, 33, 1024
		a := make([]float32, m*k)
		for i := range a {
			a[i] = 3
			if (i/7)%2 == 1 {
				a[i] = -3
			}
		}
		q := make([]int8, n*k)
		for i := range q {
			q[i] = -128
			if (i/5)%3 == 0 {
				q[i] = 127
			}
		}
		sc := make([]float32, n)
		for i := range sc {
			sc[i] = 1
		}
		w := NewInt8Weights(q, sc, n, k)
		c := checkGemmInt8(t, m, a, k, w, n)
		// |A| codes are 127 with scale 3/127; the sums must be exact.
		var s int32
		for t := 0; t < k; t++ {
			av := int32(127)
			if (t/7)%2 == 1 {
				av = -127
			}
			s += av * int32(q[t])
		}
		if want := float32(s) * 1 * (3.0 / 127); c[0] != want {
			t.Fatalf("C[0][0] = %g, want %g", c[0], want)
		}
	})
}

// TestGemmInt8Threads checks bit-identical results for any GOMAXPROCS and
// any kernel path.
func TestGemmInt8Threads(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	m, n, k := 77, 300, 200
	a := randMat(r, m*k, 1)
	w := QuantizeInt8(randMat(r, n*k, 0.1), n, k)
	var first []float32
	for _, l := range simd.Levels() {
		for _, p := range []int{1, 2, 3, 8} {
			restore := simd.SetLevel(l)
			old := runtime.GOMAXPROCS(p)
			c := make([]float32, m*n)
			GemmInt8(m, a, k, w, c, n)
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

// TestGemmInt8Error bounds the difference from the f32 product. With
// per-row scales sa (A) and sw (W), |a - qa·sa| ≤ sa/2 and |w - qw·sw| ≤ sw/2,
// so |Σ a·w - Σ (qa·sa)(qw·sw)| ≤ Σ |a|·sw/2 + |qw·sw|·sa/2, plus float
// rounding.
func TestGemmInt8Error(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	m, n, k := 20, 50, 512
	a := randMat(r, m*k, 1)
	wf := randMat(r, n*k, 0.05)
	w := QuantizeInt8(wf, n, k)
	c := make([]float32, m*n)
	GemmInt8(m, a, k, w, c, n)
	qa := make([]int8, m*k)
	sa := make([]float32, m)
	QuantizeRowsInt8(qa, sa, a, m, k, k)
	var num, den float64
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var exact, bound float64
			for t := 0; t < k; t++ {
				av, wv := float64(a[i*k+t]), float64(wf[j*k+t])
				exact += av * wv
				bound += math.Abs(av)*float64(w.Scale[j])/2 + math.Abs(float64(w.Q[j*k+t])*float64(w.Scale[j]))*float64(sa[i])/2
			}
			d := math.Abs(float64(c[i*n+j]) - exact)
			if d > bound*1.001+1e-5 {
				t.Fatalf("C[%d][%d]: error %g above bound %g", i, j, d, bound)
			}
			num += d * d
			den += exact * exact
		}
	}
	if rel := math.Sqrt(num / den); rel > 0.02 {
		t.Fatalf("relative Frobenius error %.4f, want < 2%%", rel)
	} else {
		t.Logf("relative Frobenius error %.5f", rel)
	}
}

func TestQuantizeInt8(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	n, k := 9, 37
	wf := randMat(r, n*k, 1)
	for j := 0; j < k; j++ {
		wf[3*k+j] = 0 // an all-zero row
	}
	w := QuantizeInt8(wf, n, k)
	d := w.Dequantize()
	for j := 0; j < n; j++ {
		var amax float32
		for _, v := range wf[j*k : (j+1)*k] {
			amax = max(amax, float32(math.Abs(float64(v))))
		}
		if want := amax / 127; w.Scale[j] != want {
			t.Fatalf("row %d: scale %g want %g", j, w.Scale[j], want)
		}
		for i := 0; i < k; i++ {
			q := w.Q[j*k+i]
			if q < -127 {
				t.Fatalf("code %d", q)
			}
			if e := math.Abs(float64(d[j*k+i] - wf[j*k+i])); e > float64(w.Scale[j])*0.5001 {
				t.Fatalf("W[%d][%d]: dequantized error %g > scale/2", j, i, e)
			}
		}
	}
	if w.Scale[3] != 0 || d[3*k] != 0 {
		t.Fatal("zero row not kept at zero")
	}
}

func TestQuantizeRowsInt8(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	m, k, lda := 40, 21, 25
	a := randMat(r, m*lda, 3)
	for j := 0; j < k; j++ {
		a[7*lda+j] = 0
	}
	q := make([]int8, m*k)
	s := make([]float32, m)
	QuantizeRowsInt8(q, s, a, m, k, lda)
	row := make([]int8, k)
	for i := 0; i < m; i++ {
		want := simd.QuantizeS8(row, a[i*lda:i*lda+k])
		if s[i] != want || string(int8Bytes(row)) != string(int8Bytes(q[i*k:(i+1)*k])) {
			t.Fatalf("row %d differs from simd.QuantizeS8", i)
		}
		if math.IsNaN(float64(s[i])) {
			t.Fatalf("row %d: NaN scale", i)
		}
	}
	if s[7] != 0 {
		t.Fatalf("zero row scale %g", s[7])
	}
}

func int8Bytes(x []int8) []byte {
	b := make([]byte, len(x))
	for i, v := range x {
		b[i] = byte(v)
	}
	return b
}

func FuzzGemmInt8(f *testing.F) {
	f.Add([]byte{1, 200, 3, 4, 90, 6, 7, 8}, uint8(2), uint8(17), uint8(9))
	f.Fuzz(func(t *testing.T, data []byte, m8, n8, k8 uint8) {
		if len(data) == 0 {
			return
		}
		m, n, k := int(m8%20), int(n8%40)+1, int(k8%80)+1
		at := func(i int) float32 { return float32(int8(data[i%len(data)])) / 16 }
		a := make([]float32, m*k)
		for i := range a {
			a[i] = at(i)
		}
		wf := make([]float32, n*k)
		for i := range wf {
			wf[i] = at(len(a) + 3*i)
		}
		w := QuantizeInt8(wf, n, k)
		for _, l := range simd.Levels() {
			restore := simd.SetLevel(l)
			checkGemmInt8(t, m, a, k, w, n)
			restore()
		}
	})
}

func ExampleGemmInt8() {
	// y = x·Wᵀ for a 2×3 weight (2 outputs, 3 inputs) and one token.
	w := QuantizeInt8([]float32{
		1, 0, -1,
		0.5, 0.5, 0.5,
	}, 2, 3)
	x := []float32{2, 4, 6}
	y := make([]float32, 2)
	GemmInt8(1, x, 3, w, y, 2)
	fmt.Printf("%.1f %.1f\n", y[0], y[1]) // int8 rounding is visible at two decimals
	// Output: -4.0 6.0
}
