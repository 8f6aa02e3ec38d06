package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Shared helpers of the NN operation tests, and the tests of the
// elementwise and normalisation operations against float64 references.

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// randF32 returns n values uniform in [-scale, scale).
func randF32(rng *rand.Rand, n int, scale float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32((2*rng.Float64() - 1) * scale)
	}
	return x
}

func toF64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

const guardValue = float32(-7.25e11)

// guarded returns a slice of n values at a misaligned offset inside a
// larger buffer whose other values are a sentinel, and a check that the
// sentinels survived.
func guarded(n, misalign int) ([]float32, func(t *testing.T)) {
	const band = 9
	buf := make([]float32, n+2*band+misalign)
	for i := range buf {
		buf[i] = guardValue
	}
	lo := band + misalign
	s := buf[lo : lo+n : lo+n]
	for i := range s {
		s[i] = 0
	}
	return s, func(t *testing.T) {
		t.Helper()
		for i, v := range buf {
			if (i < lo || i >= lo+n) && v != guardValue {
				t.Fatalf("guard band overwritten at %d (slice %d..%d): %g", i, lo, lo+n, v)
			}
		}
	}
}

// guardedCopy is guarded filled with a copy of x.
func guardedCopy(x []float32, misalign int) ([]float32, func(t *testing.T)) {
	s, check := guarded(len(x), misalign)
	copy(s, x)
	return s, check
}

// maxRelErr is max_i |got-want| / max(|want_i|, rms(want)): a relative
// error that does not blow up on entries near zero. An all-zero want gives
// the absolute error.
func maxRelErr(got []float32, want []float64) float64 {
	var ss float64
	for _, w := range want {
		ss += w * w
	}
	rms := math.Sqrt(ss / float64(max(len(want), 1)))
	if rms == 0 {
		rms = 1
	}
	var worst float64
	for i, w := range want {
		e := math.Abs(float64(got[i])-w) / math.Max(math.Abs(w), rms)
		if !(e <= worst) { // NaN counts as worst
			worst = e
			if math.IsNaN(e) {
				return math.Inf(1)
			}
		}
	}
	return worst
}

func assertClose(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", what, len(got), len(want))
	}
	if e := maxRelErr(got, want); e > tol {
		t.Fatalf("%s: max rel error %.3g > %.3g", what, e, tol)
	}
}

// sizes hits small lengths (every tail of an 8- or 16-wide kernel) and a
// few larger ones.
var nnSizes = []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100, 257}

// ---- float64 references ----

func rmsNormRef(x, w []float64, rows, dim int, eps float64) []float64 {
	out := make([]float64, rows*dim)
	for r := 0; r < rows; r++ {
		var ss float64
		for i := 0; i < dim; i++ {
			ss += x[r*dim+i] * x[r*dim+i]
		}
		inv := 1 / math.Sqrt(ss/float64(dim)+eps)
		for i := 0; i < dim; i++ {
			out[r*dim+i] = x[r*dim+i] * inv
			if w != nil {
				out[r*dim+i] *= w[i]
			}
		}
	}
	return out
}

func layerNormRef(x, w, b []float64, rows, dim int, eps float64) []float64 {
	out := make([]float64, rows*dim)
	for r := 0; r < rows; r++ {
		var mean, v float64
		for i := 0; i < dim; i++ {
			mean += x[r*dim+i]
		}
		mean /= float64(dim)
		for i := 0; i < dim; i++ {
			d := x[r*dim+i] - mean
			v += d * d
		}
		inv := 1 / math.Sqrt(v/float64(dim)+eps)
		for i := 0; i < dim; i++ {
			y := (x[r*dim+i] - mean) * inv
			if w != nil {
				y *= w[i]
			}
			if b != nil {
				y += b[i]
			}
			out[r*dim+i] = y
		}
	}
	return out
}

func softmaxRef(x []float64, rows, n int) []float64 {
	out := make([]float64, rows*n)
	for r := 0; r < rows; r++ {
		m := math.Inf(-1)
		for _, v := range x[r*n : (r+1)*n] {
			m = math.Max(m, v)
		}
		var s float64
		for i, v := range x[r*n : (r+1)*n] {
			out[r*n+i] = math.Exp(v - m)
			s += out[r*n+i]
		}
		for i := range n {
			out[r*n+i] /= s
		}
	}
	return out
}

func siluRef(v float64) float64 { return v / (1 + math.Exp(-v)) }

func geluTanhRef(v float64) float64 {
	return 0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*v*v*v)))
}

func mapRef(x []float32, f func(float64) float64) []float64 {
	y := toF64(x)
	for i := range y {
		y[i] = f(y[i])
	}
	return y
}

// ---- tests ----

func TestRMSNorm(t *testing.T) {
	rng := newRNG(1)
	for _, dim := range nnSizes {
		for _, rows := range []int{0, 1, 3} {
			for _, affine := range []bool{true, false} {
				x := randF32(rng, rows*dim, 3)
				var w []float32
				if affine {
					w = randF32(rng, dim, 2)
				}
				want := rmsNormRef(toF64(x), toF64Nil(w), rows, dim, 1e-5)
				dst, check := guarded(rows*dim, dim%3)
				RMSNorm(dst, x, w, rows, dim, 1e-5)
				check(t)
				assertClose(t, "RMSNorm", dst, want, 1e-5)

				// In place gives the same bits.
				xx, check := guardedCopy(x, 1)
				RMSNorm(xx, xx, w, rows, dim, 1e-5)
				check(t)
				assertSame(t, "RMSNorm in place", xx, dst)
			}
		}
	}
}

func TestRMSNormZeroRow(t *testing.T) {
	x := make([]float32, 8)
	RMSNorm(x, x, nil, 1, 8, 1e-6)
	for _, v := range x {
		if v != 0 {
			t.Fatalf("zero row normalised to %v", x)
		}
	}
}

func TestLayerNorm(t *testing.T) {
	rng := newRNG(2)
	for _, dim := range nnSizes {
		for _, rows := range []int{0, 1, 3} {
			for _, affine := range []bool{true, false} {
				// An offset mean checks the two-pass variance.
				x := randF32(rng, rows*dim, 3)
				for i := range x {
					x[i] += 50
				}
				var w, b []float32
				if affine {
					w, b = randF32(rng, dim, 2), randF32(rng, dim, 1)
				}
				want := layerNormRef(toF64(x), toF64Nil(w), toF64Nil(b), rows, dim, 1e-6)
				dst, check := guarded(rows*dim, dim%2)
				LayerNorm(dst, x, w, b, rows, dim, 1e-6)
				check(t)
				// The f32 mean of values near 50 carries ~eps·50·√dim of
				// rounding, which shows relative to deviations of ~2.
				assertClose(t, "LayerNorm", dst, want, 5e-5)

				xx, check := guardedCopy(x, 0)
				LayerNorm(xx, xx, w, b, rows, dim, 1e-6)
				check(t)
				assertSame(t, "LayerNorm in place", xx, dst)
			}
		}
	}
}

func TestSoftmax(t *testing.T) {
	rng := newRNG(3)
	for _, n := range nnSizes {
		for _, rows := range []int{0, 1, 4} {
			x := randF32(rng, rows*n, 20)
			want := softmaxRef(toF64(x), rows, n)
			xx, check := guardedCopy(x, n%4)
			Softmax(xx, rows, n)
			check(t)
			assertClose(t, "Softmax", xx, want, 1e-5)
		}
	}
}

func TestSoftmaxSpecial(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	cases := []struct {
		name string
		in   []float32
		want []float32 // nil: check NaN everywhere
	}{
		{"all masked", []float32{-inf, -inf, -inf}, []float32{0, 0, 0}},
		{"partly masked", []float32{-inf, 0, -inf, 0}, []float32{0, 0.5, 0, 0.5}},
		{"huge", []float32{1e30, 1e30}, []float32{0.5, 0.5}},
		{"tiny", []float32{-1e30, 0}, []float32{0, 1}},
		{"single", []float32{-3}, []float32{1}},
		{"nan", []float32{1, nan, 2}, nil},
		{"nan masked", []float32{-inf, nan}, nil},
	}
	for _, c := range cases {
		x := append([]float32(nil), c.in...)
		Softmax(x, 1, len(x))
		for i, v := range x {
			if c.want == nil {
				if v == v {
					t.Errorf("%s: %v, want NaN", c.name, x)
					break
				}
			} else if v != c.want[i] {
				t.Errorf("%s: %v, want %v", c.name, x, c.want)
				break
			}
		}
	}
	Softmax(nil, 3, 0) // empty rows are fine
}

func TestActivations(t *testing.T) {
	rng := newRNG(4)
	for _, n := range nnSizes {
		x := randF32(rng, n, 8)

		xx, check := guardedCopy(x, n%3)
		SiLU(xx)
		check(t)
		assertClose(t, "SiLU", xx, mapRef(x, siluRef), 1e-6)

		xx, check = guardedCopy(x, 1)
		GELUTanh(xx)
		check(t)
		assertClose(t, "GELUTanh", xx, mapRef(x, geluTanhRef), 1e-6)

		up := randF32(rng, n, 2)
		want := make([]float64, n)
		for i := range want {
			want[i] = siluRef(float64(x[i])) * float64(up[i])
		}
		dst, check := guarded(n, 2)
		SwiGLU(dst, x, up)
		check(t)
		assertClose(t, "SwiGLU", dst, want, 1e-6)
		g := append([]float32(nil), x...)
		SwiGLU(g, g, up) // dst aliases gate
		assertSame(t, "SwiGLU dst=gate", g, dst)
		u := append([]float32(nil), up...)
		SwiGLU(u, x, u) // dst aliases up
		assertSame(t, "SwiGLU dst=up", u, dst)

		b := randF32(rng, n, 2)
		for i := range want {
			want[i] = float64(x[i]) * float64(b[i])
		}
		dst, check = guarded(n, 0)
		Mul(dst, x, b)
		check(t)
		assertClose(t, "Mul", dst, want, 1e-7)
		for i := range want {
			want[i] = float64(x[i]) + float64(b[i])
		}
		dst, check = guarded(n, 3)
		Add(dst, x, b)
		check(t)
		assertClose(t, "Add", dst, want, 1e-6)
	}
	// Extremes keep their limits.
	x := []float32{-100, 100, 0, float32(math.Inf(1))}
	SiLU(x)
	if x[0] != 0 && math.Abs(float64(x[0])) > 1e-40 || x[1] != 100 || x[2] != 0 || !math.IsInf(float64(x[3]), 1) {
		t.Errorf("SiLU extremes: %v", x)
	}
	x = []float32{-100, 100, 0, 3e38}
	GELUTanh(x)
	if x[0] != 0 || x[1] != 100 || x[2] != 0 || x[3] != 3e38 {
		t.Errorf("GELUTanh extremes: %v", x)
	}
}

func TestAddBias(t *testing.T) {
	rng := newRNG(5)
	for _, n := range nnSizes {
		for _, rows := range []int{0, 1, 3} {
			x := randF32(rng, rows*n, 4)
			b := randF32(rng, n, 4)
			want := toF64(x)
			for i := range want {
				want[i] += float64(b[i%n])
			}
			xx, check := guardedCopy(x, 1)
			AddBias(xx, b, rows, n)
			check(t)
			assertClose(t, "AddBias", xx, want, 1e-6)
		}
	}
}

func TestPanicsOnShortSlices(t *testing.T) {
	mustPanic(t, "RMSNorm", func() { RMSNorm(make([]float32, 3), make([]float32, 4), nil, 1, 4, 1e-6) })
	mustPanic(t, "RMSNorm weight", func() { RMSNorm(make([]float32, 4), make([]float32, 4), make([]float32, 3), 1, 4, 1e-6) })
	mustPanic(t, "LayerNorm", func() { LayerNorm(make([]float32, 4), make([]float32, 4), nil, make([]float32, 2), 1, 4, 1e-6) })
	mustPanic(t, "Softmax", func() { Softmax(make([]float32, 5), 2, 3) })
	mustPanic(t, "SwiGLU", func() { SwiGLU(make([]float32, 4), make([]float32, 4), make([]float32, 3)) })
	mustPanic(t, "AddBias", func() { AddBias(make([]float32, 6), make([]float32, 2), 2, 3) })
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}

func assertSame(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: element %d is %g, want %g (bit-identical)", what, i, got[i], want[i])
		}
	}
}

func toF64Nil(x []float32) []float64 {
	if x == nil {
		return nil
	}
	return toF64(x)
}
