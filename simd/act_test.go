package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// geluRef is GELUTanh in float64, in the sigmoid form (no cancellation for
// negative x; equal to 0.5·x·(1 + tanh(u)) as real numbers).
func geluRef(x float32) float64 {
	z := float64(x)
	u := math.Sqrt(2/math.Pi) * (z + 0.044715*z*z*z)
	return z / (1 + math.Exp(-2*u))
}

// geluTol is the error bound documented on GELUTanh: 1e-6 relative for
// x ≥ −3, then growing with the exponent |v|, plus an absolute 2e-37 for
// x < −10 (taken as −10).
func geluTol(x float32, ref float64) float64 {
	z := float64(x)
	rel := 1e-6
	if z < -3 {
		v := 2 * math.Sqrt(2/math.Pi) * math.Abs(z+0.044715*z*z*z)
		rel = max(rel, 2e-7*v)
	}
	return rel*math.Abs(ref) + 2e-37
}

// geluInputs is a dense sweep of [−12, 12], the extremes and random values.
func geluInputs(r *rand.Rand) []float32 {
	var xs []float32
	for i := -120000; i <= 120000; i++ {
		xs = append(xs, float32(i)/10000)
	}
	xs = append(xs, 0, float32(math.Copysign(0, -1)), 1e-30, -1e-30, 1e-45, 20, -20, 50, -50, 1e4, -1e4,
		math.MaxFloat32, -math.MaxFloat32, float32(math.Inf(1)), float32(math.Inf(-1)))
	for i := 0; i < 10000; i++ {
		xs = append(xs, float32(r.NormFloat64()*3))
	}
	return xs
}

func TestGELUTanhAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	xs := geluInputs(r)
	forF32Levels(t, func(t *testing.T) {
		got := append([]float32(nil), xs...)
		GELUTanh(got)
		worst := 0.0
		for i, x := range xs {
			ref := geluRef(x)
			if math.IsInf(float64(x), 1) {
				if !math.IsInf(float64(got[i]), 1) {
					t.Errorf("GELUTanh(+Inf) = %v", got[i])
				}
				continue
			}
			d := math.Abs(float64(got[i]) - ref)
			if d > geluTol(x, ref) {
				t.Fatalf("GELUTanh(%v) = %v, want %v (error %.3g)", x, got[i], ref, d/math.Abs(ref))
			}
			if x >= -3 && math.Abs(ref) > 1e-30 {
				worst = max(worst, d/math.Abs(ref))
			}
		}
		t.Logf("largest relative error for x >= -3: %.3g", worst)
	})
	nan := []float32{float32(math.NaN())}
	GELUTanh(nan)
	if !math.IsNaN(float64(nan[0])) {
		t.Errorf("GELUTanh(NaN) = %v", nan[0])
	}
	// The tanh form agrees with the sigmoid form where it has no
	// cancellation.
	for _, x := range []float32{-3, -1, -0.1, 0.1, 1, 3} {
		z := float64(x)
		tanhForm := 0.5 * z * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(z+0.044715*z*z*z)))
		if d := math.Abs(tanhForm-geluRef(x)) / math.Abs(tanhForm); d > 1e-12 {
			t.Errorf("x=%v: tanh form %v, sigmoid form %v", x, tanhForm, geluRef(x))
		}
	}
}

func TestGELUTanhSweep(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		for _, n := range f32Lens(70) {
			for off := 0; off < 4; off++ {
				x, ok := f32Guarded(n, off)
				for i := range x {
					x[i] = float32(r.NormFloat64() * 4)
				}
				in := append([]float32(nil), x...)
				GELUTanh(x)
				for i := range x {
					ref := geluRef(in[i])
					if d := math.Abs(float64(x[i]) - ref); d > geluTol(in[i], ref) {
						t.Fatalf("n=%d off=%d: GELUTanh(%v) = %v, want %v", n, off, in[i], x[i], ref)
					}
				}
				if !ok() {
					t.Fatalf("n=%d off=%d: GELUTanh wrote outside x", n, off)
				}
			}
		}
	})
}

// softmaxRef is Softmax in float64.
func softmaxRef(x []float32, scale float32) []float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, float64(v))
	}
	out := make([]float64, len(x))
	s := 0.0
	for i, v := range x {
		out[i] = math.Exp(float64(scale) * (float64(v) - m))
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// checkSoftmax compares with the float64 softmax: each probability to a
// relative 2e-6 (exp's error, the f32 products and sum) plus an absolute
// 1e-6·max for the sum's rounding over long rows.
func checkSoftmax(t *testing.T, got []float32, in []float32, scale float32, what string) {
	t.Helper()
	want := softmaxRef(in, scale)
	top := 0.0
	for _, w := range want {
		top = max(top, w)
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - want[i]); d > 2e-6*want[i]+1e-6*top || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: p[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

func TestSoftmax(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		for _, n := range f32Lens(70) {
			for off := 0; off < 4; off++ {
				x, ok := f32Guarded(n, off)
				spread := []float64{0.1, 3, 30}[(n+off)%3]
				for i := range x {
					x[i] = float32(r.NormFloat64() * spread)
				}
				scale := float32(0.125 + r.Float64())
				in := append([]float32(nil), x...)
				Softmax(x, scale)
				checkSoftmax(t, x, in, scale, fmt.Sprintf("n=%d off=%d", n, off))
				if !ok() {
					t.Fatalf("n=%d off=%d: Softmax wrote outside x", n, off)
				}
			}
		}
		// Equal values, one huge value, very negative values.
		for _, in := range [][]float32{
			make([]float32, 37),
			append(make([]float32, 40), 1e30),
			{-1e30, -1e30, 0, -1e30, -1e30, -1e30, -1e30, -1e30, -1e30, -1e30, -1e30, -1e30, -1e30, -1e30, -1e30, -1e30, -1e30},
		} {
			x := append([]float32(nil), in...)
			Softmax(x, 1)
			checkSoftmax(t, x, in, 1, fmt.Sprintf("special %v", in[:3]))
		}
	})
}

func FuzzGELUTanh(f *testing.F) {
	f.Add(float32(0.5), float32(-2), 17)
	f.Add(float32(-7), float32(3), 3)
	f.Fuzz(func(t *testing.T, a, b float32, n int) {
		if n < 0 || n > 300 || math.IsNaN(float64(a)) || math.IsNaN(float64(b)) ||
			math.IsInf(float64(a), 0) || math.IsInf(float64(b), 0) {
			return
		}
		in := make([]float32, n)
		for i := range in {
			in[i] = a + b*float32(i)/float32(max(n, 1))
		}
		for _, l := range Levels() {
			restore := SetLevel(l)
			x := append([]float32(nil), in...)
			GELUTanh(x)
			restore()
			for i := range x {
				ref := geluRef(in[i])
				if d := math.Abs(float64(x[i]) - ref); d > geluTol(in[i], ref) && !math.IsInf(float64(in[i]), 0) {
					t.Fatalf("%v: GELUTanh(%v) = %v, want %v", l, in[i], x[i], ref)
				}
			}
		}
	})
}

func FuzzSoftmax(f *testing.F) {
	f.Add(float32(0.5), float32(-2), float32(1), 17)
	f.Add(float32(80), float32(3), float32(0.1), 33)
	f.Fuzz(func(t *testing.T, a, b, scale float32, n int) {
		if n <= 0 || n > 300 || !(scale > 1e-3 && scale < 1e3) || math.IsNaN(float64(a)) || math.IsNaN(float64(b)) ||
			math.Abs(float64(a)) > 1e4 || math.Abs(float64(b)) > 1e4 {
			return
		}
		in := make([]float32, n)
		for i := range in {
			in[i] = a + b*float32(math.Sin(float64(i)))
		}
		for _, l := range Levels() {
			restore := SetLevel(l)
			x := append([]float32(nil), in...)
			Softmax(x, scale)
			restore()
			checkSoftmax(t, x, in, scale, l.String())
		}
	})
}

func BenchmarkGELUTanh(b *testing.B) {
	for _, l := range Levels() {
		b.Run(l.String(), func(b *testing.B) {
			defer SetLevel(l)()
			x := make([]float32, 4096)
			for i := range x {
				x[i] = float32(i%200)/20 - 5
			}
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				GELUTanh(x)
			}
		})
	}
}

func BenchmarkSoftmax(b *testing.B) {
	for _, l := range Levels() {
		b.Run(l.String(), func(b *testing.B) {
			defer SetLevel(l)()
			x := make([]float32, 256)
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				Softmax(x, 0.125)
			}
		})
	}
}
