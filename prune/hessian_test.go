package prune

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/pare-ml/pare/simd"
)

// naiveHessian is (2/samples)·Σ x xᵀ with every entry summed token by token.
func naiveHessian(x []float32, rows, in, samples int) []float64 {
	h := make([]float64, in*in)
	for a := 0; a < in; a++ {
		for b := 0; b <= a; b++ {
			s := 0.0
			for t := 0; t < rows; t++ {
				s += float64(x[t*in+a]) * float64(x[t*in+b])
			}
			h[a*in+b] = s
		}
	}
	c := 2 / float64(samples)
	for a := 0; a < in; a++ {
		for b := 0; b <= a; b++ {
			h[a*in+b] *= c
			h[b*in+a] = h[a*in+b]
		}
	}
	return h
}

// TestHessianAccuracy: H is the float64 token-by-token sum up to the
// float32 rounding of chunks of hessianChunk tokens, at every SIMD level.
func TestHessianAccuracy(t *testing.T) {
	forLevels(t, func(t *testing.T) {
		for _, c := range [][2]int{{1, 1}, {3, 600}, {5, 7}, {67, 300}, {130, 1}, {130, 270}, {257, 40}} {
			in, rows := c[0], c[1]
			{
				x := calibData(uint64(in*1000+rows), rows, in)
				h := NewHessian(in)
				h.AddBatch(x, rows, 3)
				want := naiveHessian(x, rows, in, 3)
				abs := absHessian(x, rows, in, 3)
				got := h.Matrix()
				for i, w := range want {
					// Each chunk's float32 sum errs by at most
					// chunk·2⁻²⁴ of its Σ|x_a x_b|.
					if e := math.Abs(got[i] - w); e > hessianChunk*0x1p-24*abs[i] {
						t.Fatalf("in=%d rows=%d: H[%d] = %v, want %v (error %.3g, bound %.3g)",
							in, rows, i, got[i], w, e, hessianChunk*0x1p-24*abs[i])
					}
				}
			}
		}
	})
}

// absHessian is naiveHessian of |x|: the scale of each entry's rounding.
func absHessian(x []float32, rows, in, samples int) []float64 {
	ax := make([]float32, len(x))
	for i, v := range x {
		ax[i] = float32(math.Abs(float64(v)))
	}
	return naiveHessian(ax, rows, in, samples)
}

// forLevels runs fn at every SIMD level runnable here.
func forLevels(t *testing.T, fn func(t *testing.T)) {
	for _, l := range simd.Levels() {
		restore := simd.SetLevel(l)
		t.Run(l.String(), fn)
		restore()
	}
}

// TestHessianBatchSplit: adding rows in one batch or in several gives the
// same H, bit for bit, at any GOMAXPROCS: chunks are cut at the same tokens
// (the reference's running average only holds this to rounding).
func TestHessianBatchSplit(t *testing.T) {
	forLevels(t, testHessianBatchSplit)
}

func testHessianBatchSplit(t *testing.T) {
	in, rows := 70, 600
	x := calibData(21, rows, in)
	one := NewHessian(in)
	one.AddBatch(x, rows, 6)
	var want []float64
	withProcs(t, func(procs int) {
		split := NewHessian(in)
		for _, cut := range [][2]int{{0, 100}, {100, 101}, {101, 400}, {400, 600}} {
			split.AddBatch(x[cut[0]*in:cut[1]*in], cut[1]-cut[0], 0)
		}
		split.samples = 6
		got := split.Matrix()
		if want == nil {
			want = one.Matrix()
		}
		if !slices.Equal(got, want) {
			t.Fatalf("GOMAXPROCS=%d: split Hessian differs", procs)
		}
	})
}

// refInverseFactor is the reference's chain in float64, done plainly:
// L = cholesky(H), Hinv = (L Lᵀ)⁻¹ by Gauss-Jordan, U = cholesky(Hinv)ᵀ.
func refInverseFactor(h []float64, n int) []float64 {
	chol := func(a []float64) []float64 { // lower L with a = L Lᵀ
		l := make([]float64, n*n)
		for j := 0; j < n; j++ {
			s := a[j*n+j]
			for k := 0; k < j; k++ {
				s -= l[j*n+k] * l[j*n+k]
			}
			l[j*n+j] = math.Sqrt(s)
			for i := j + 1; i < n; i++ {
				s := a[i*n+j]
				for k := 0; k < j; k++ {
					s -= l[i*n+k] * l[j*n+k]
				}
				l[i*n+j] = s / l[j*n+j]
			}
		}
		return l
	}
	inv := func(a []float64) []float64 {
		m := slices.Clone(a)
		r := make([]float64, n*n)
		for i := 0; i < n; i++ {
			r[i*n+i] = 1
		}
		for c := 0; c < n; c++ {
			p := c
			for i := c + 1; i < n; i++ {
				if math.Abs(m[i*n+c]) > math.Abs(m[p*n+c]) {
					p = i
				}
			}
			for k := 0; k < n; k++ {
				m[c*n+k], m[p*n+k] = m[p*n+k], m[c*n+k]
				r[c*n+k], r[p*n+k] = r[p*n+k], r[c*n+k]
			}
			d := m[c*n+c]
			for k := 0; k < n; k++ {
				m[c*n+k] /= d
				r[c*n+k] /= d
			}
			for i := 0; i < n; i++ {
				if i != c {
					f := m[i*n+c]
					for k := 0; k < n; k++ {
						m[i*n+k] -= f * m[c*n+k]
						r[i*n+k] -= f * r[c*n+k]
					}
				}
			}
		}
		return r
	}
	_ = chol(h) // the reference factors H first; the inverse is the same
	l := chol(inv(h))
	u := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			u[i*n+j] = l[j*n+i]
		}
	}
	return u
}

func TestCholUpperAndInverse(t *testing.T) {
	for _, n := range []int{1, 2, 5, 63, 64, 65, 129, 150} {
		x := calibData(uint64(n), 2*n+3, n)
		h := naiveHessian(x, 2*n+3, n, 1)
		for i := 0; i < n; i++ {
			h[i*n+i] += 0.01
		}
		a := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				a[i*n+j] = h[i*n+j]
				if j < i {
					a[i*n+j] = -7 // the lower triangle must survive
				}
			}
		}
		if q := cholUpper(a, n); q >= 0 {
			t.Fatalf("n=%d: failed at pivot %d", n, q)
		}
		invUpper(a, n)
		want := refInverseFactor(h, n)
		maxU := 0.0
		for _, v := range want {
			maxU = math.Max(maxU, math.Abs(v))
		}
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if j < i {
					if a[i*n+j] != -7 {
						t.Fatalf("n=%d: lower triangle (%d,%d) changed", n, i, j)
					}
					continue
				}
				if d := math.Abs(a[i*n+j] - want[i*n+j]); d > 1e-9*maxU {
					t.Fatalf("n=%d: U(%d,%d) = %v, want %v", n, i, j, a[i*n+j], want[i*n+j])
				}
			}
		}
	}
}

func TestInverseFactor(t *testing.T) {
	in := 40
	x := calibData(31, 100, in)
	for _, j := range []int{0, 17, 39} { // dead inputs
		for r := 0; r < 100; r++ {
			x[r*in+j] = 0
		}
	}
	h := NewHessian(in)
	h.AddBatch(x, 100, 4)
	before := h.Matrix()
	f, err := h.InverseFactor(0.01, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Dead, []int{0, 17, 39}) || f.Retries != 0 {
		t.Fatalf("dead %v retries %d", f.Dead, f.Retries)
	}
	hd := slices.Clone(before)
	mean := 0.0
	for i := 0; i < in; i++ {
		if hd[i*in+i] == 0 {
			hd[i*in+i] = 1
		}
		mean += hd[i*in+i]
	}
	damp := 0.01 * mean / float64(in)
	if math.Abs(f.Damp-damp) > 1e-12*damp {
		t.Fatalf("damp %v, want %v", f.Damp, damp)
	}
	for i := 0; i < in; i++ {
		hd[i*in+i] += damp
	}
	// UᵀU (H + damp I) = I to float32 accuracy.
	for i := 0; i < in; i++ {
		for j := 0; j < in; j++ {
			s := 0.0
			for k := 0; k < in; k++ {
				hinv := 0.0 // (UᵀU)[i,k]
				for p := 0; p <= min(i, k); p++ {
					hinv += float64(f.U[p*in+i]) * float64(f.U[p*in+k])
				}
				s += hinv * hd[k*in+j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(s-want) > 1e-4 {
				t.Fatalf("(UᵀU·H)(%d,%d) = %v", i, j, s)
			}
		}
		for j := 0; j < i; j++ {
			if f.U[i*in+j] != 0 {
				t.Fatal("U not upper triangular")
			}
		}
	}
	if !slices.Equal(h.Matrix(), before) {
		t.Fatal("InverseFactor changed the Hessian")
	}
	// The Hessian keeps accumulating after a factorisation (which, like
	// Matrix, closes the current chunk of tokens).
	h.Add(x[:in], 1)
	h2 := NewHessian(in)
	h2.AddBatch(x, 100, 4)
	h2.Matrix()
	h2.Add(x[:in], 1)
	if !slices.Equal(h.Matrix(), h2.Matrix()) {
		t.Fatal("Add after InverseFactor differs")
	}
}

// TestInverseFactorRetries: an indefinite H fails until the damping,
// raised tenfold per retry, makes it positive definite.
func TestInverseFactorRetries(t *testing.T) {
	h := NewHessian(2)
	// S = [[1, 3], [3, 1]] (eigenvalues 4 and -2); H = S with two samples of
	// scale 2/N = 1.
	h.a[0], h.a[2], h.a[3] = 1, 3, 1
	h.samples = 2
	f, err := h.InverseFactor(0.01, 5)
	if err != nil {
		t.Fatal(err)
	}
	// Damping 0.01, 0.1 and 1 leave it indefinite; 10 works.
	if f.Retries != 3 || math.Abs(f.Damp-10) > 1e-12 {
		t.Fatalf("retries %d damp %v", f.Retries, f.Damp)
	}
	_, err = h.InverseFactor(0.01, 2)
	if err == nil || !strings.Contains(err.Error(), "not positive definite") {
		t.Fatalf("after 2 retries: %v", err)
	}
	if h.a[0] != 1 || h.a[3] != 1 || h.a[2] != 3 {
		t.Fatal("Hessian changed")
	}
	res, err := SparseGPT([]float32{1, 2, 3, 4}, 2, 2, h, Unstructured(0.5), SparseGPTOptions{MaxRetries: 3})
	if err != nil || res.Retries != 3 {
		t.Fatalf("SparseGPT: %+v %v", res, err)
	}
	if _, err := SparseGPT([]float32{1, 2, 3, 4}, 2, 2, h, Unstructured(0.5), SparseGPTOptions{MaxRetries: -1}); err == nil {
		t.Fatal("no retries: no error")
	}
}

func TestInverseFactorErrors(t *testing.T) {
	h := NewHessian(3)
	if _, err := h.InverseFactor(0.01, 0); err == nil {
		t.Error("empty Hessian accepted")
	}
	x := []float32{1, 2, float32(math.Inf(1))}
	h.Add(x, 1)
	if _, err := h.InverseFactor(0.01, 0); err == nil || !strings.Contains(err.Error(), "overflowed") {
		t.Errorf("Inf Hessian: %v", err)
	}
	h.Reset()
	h.Add([]float32{1, 2, 3}, 1)
	if _, err := h.InverseFactor(-1, 0); err == nil {
		t.Error("negative damping accepted")
	}
}
