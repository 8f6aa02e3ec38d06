package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ulpErr is |got − want| in ulps of float32(want).
func ulpErr(got float32, want float64) float64 {
	w := float32(want)
	ulp := float64(math.Nextafter32(w, float32(math.Inf(1)))) - float64(w)
	if w == 0 || math.IsInf(float64(w), 0) {
		ulp = float64(math.SmallestNonzeroFloat32)
	}
	return math.Abs(float64(got)-want) / ulp
}

// TestExpGeneric: within 1 ulp of math.Exp over the normal range, e^x
// rounded to a subnormal below it (to an ulp there); 0, +Inf and NaN at the
// limits, which lie where exp.go says.
func TestExpGeneric(t *testing.T) {
	worst := 0.0
	for x := float32(expNormal); x < expOver; x += 0.000731 {
		worst = math.Max(worst, ulpErr(expGeneric(x), math.Exp(float64(x))))
	}
	if worst > 1 {
		t.Errorf("worst error %.3f ulp", worst)
	}
	t.Logf("worst error over the normal range: %.3f ulp", worst)
	for x := math.Nextafter32(expUnder, 0); x < expNormal; x = math.Nextafter32(x, 0) {
		got, want := float64(expGeneric(x)), math.Exp(float64(x))
		if math.Abs(got-want) > 0x1p-149+0x1p-24*want {
			t.Fatalf("expGeneric(%v) = %v, want %v", x, got, want)
		}
	}
	below := func(x float32) float32 { return math.Nextafter32(x, float32(math.Inf(-1))) }
	for _, c := range []struct{ x, want float32 }{
		{0, 1}, {-90, 0}, {float32(math.Inf(-1)), 0}, {89, float32(math.Inf(1))}, {float32(math.Inf(1)), float32(math.Inf(1))},
		{expOver, float32(math.Inf(1))}, {expUnder, 0}, {below(expUnder), 0}, {-1e30, 0}, {1e30, float32(math.Inf(1))},
	} {
		if got := expGeneric(c.x); got != c.want {
			t.Errorf("expGeneric(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if v := expGeneric(float32(math.NaN())); v == v {
		t.Errorf("expGeneric(NaN) = %v", v)
	}
	if v := expGeneric(below(expOver)); math.IsInf(float64(v), 0) {
		t.Errorf("expGeneric just below expOver = %v", v)
	}
	if v := expGeneric(math.Nextafter32(expUnder, 0)); v == 0 {
		t.Errorf("expGeneric just above expUnder = 0")
	}
	if v := expGeneric(expNormal); v < 0x1p-126 || expGeneric(below(expNormal)) >= 0x1p-126 {
		t.Errorf("expGeneric: normal results do not start at expNormal")
	}
}

// expInputs returns n values over the whole range, with the special ones
// (limits, infinities, NaN) sprinkled in.
func expInputs(r *rand.Rand, n int) []float32 {
	special := []float32{0, -0.0, expUnder, expUnder - 0.01, expUnder + 0.01, expNormal, expNormal - 0.1, expOver, expOver - 0.01, -88, 88.5, -200, 200,
		float32(math.Inf(-1)), float32(math.Inf(1)), float32(math.NaN()), 1e-8, -1e-8}
	x := make([]float32, n)
	for i := range x {
		if r.IntN(5) == 0 {
			x[i] = special[r.IntN(len(special))]
		} else {
			x[i] = float32(r.Float64()*190 - 95)
		}
	}
	return x
}

// checkExp compares e = exp(x) elementwise with the reference expGeneric:
// the same limits and NaNs, within an ulp otherwise (see exp.go).
func checkExp(t *testing.T, what string, e []float32, x []float32) {
	t.Helper()
	for i, v := range x {
		want := expGeneric(v)
		got := e[i]
		switch {
		case want != want:
			if got == got {
				t.Fatalf("%s %s: exp(%v) = %v, want NaN", CPU.Level, what, v, got)
			}
		case want == 0 || math.IsInf(float64(want), 0):
			if got != want {
				t.Fatalf("%s %s: exp(%v) = %v, want %v", CPU.Level, what, v, got, want)
			}
		default:
			if ulpErr(got, float64(want)) > 1 {
				t.Fatalf("%s %s: exp(%v) = %v, want %v", CPU.Level, what, v, got, want)
			}
		}
	}
}

func TestExpSum(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 7))
		for _, n := range f32Lens(70) {
			for _, off := range []int{0, 1, 5} {
				x := expInputs(r, n)
				for i := range x { // softmax-like: subtract a maximum below
					if !math.IsInf(float64(x[i]), 1) && x[i] > 80 {
						x[i] = 80
					}
				}
				m := float32(-3)
				s, intact := f32Guarded(n, off)
				copy(s, x)
				sum := ExpSum(s, m)
				if !intact() {
					t.Fatalf("n=%d: guard overwritten", n)
				}
				shifted := make([]float32, n)
				var want, abs float64
				nan := false
				for i, v := range x {
					shifted[i] = v - m
					e := float64(expGeneric(v - m))
					want += e
					abs += math.Abs(e)
					nan = nan || e != e
				}
				checkExp(t, "ExpSum", s, shifted)
				if nan || math.IsInf(want, 0) {
					continue
				}
				if math.Abs(float64(sum)-want) > float64(n+2)*0x1p-23*abs {
					t.Fatalf("%s n=%d: sum %v, want %v", CPU.Level, n, sum, want)
				}
			}
		}
	})
}

func TestSiLUMul(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(2, 9))
		for _, n := range f32Lens(70) {
			g := expInputs(r, n)
			u := make([]float32, n)
			for i := range u {
				u[i] = float32(r.NormFloat64())
			}
			for _, withU := range []bool{false, true} {
				dst, intact := f32Guarded(n, n%3)
				uu := u
				if !withU {
					uu = nil
				}
				SiLUMul(dst, g, uu)
				if !intact() {
					t.Fatalf("n=%d: guard overwritten", n)
				}
				for i, v := range g {
					want := float64(v) / (1 + math.Exp(-float64(v)))
					if withU {
						want *= float64(u[i])
					}
					got := float64(dst[i])
					if got == want || want != want || math.IsInf(float64(v), -1) {
						continue // NaN in, or -Inf·0: no defined result to match
					}
					// e^-g within 2 ulp, then a division and a product; below
					// -88.38 e^-g saturates to +Inf and silu to -0.
					if e := math.Abs(got - want); !(e <= 6e-7*math.Abs(want)+1e-35) {
						t.Fatalf("%s n=%d u=%v: silu(%v) = %v, want %v", CPU.Level, n, withU, v, got, want)
					}
				}
				// In place, dst = g.
				gg := append([]float32(nil), g...)
				SiLUMul(gg, gg, uu)
				for i := range gg {
					if !sameF32(gg[i], dst[i]) {
						t.Fatalf("%s n=%d: in place differs", CPU.Level, n)
					}
				}
			}
		}
	})
}

func FuzzExpSum(f *testing.F) {
	f.Add(uint64(1), uint8(33), float32(2))
	f.Fuzz(func(t *testing.T, seed uint64, n uint8, m float32) {
		if m != m || math.IsInf(float64(m), 0) {
			return
		}
		r := rand.New(rand.NewPCG(seed, 3))
		x := expInputs(r, int(n))
		for _, l := range Levels() {
			restore := SetLevel(l)
			s := append([]float32(nil), x...)
			ExpSum(s, m)
			shifted := make([]float32, len(x))
			for i, v := range x {
				shifted[i] = v - m
			}
			checkExp(t, "fuzz", s, shifted)
			restore()
		}
	})
}

func BenchmarkExpSum(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%100) / -10
	}
	y := make([]float32, len(x))
	for _, l := range Levels() {
		restore := SetLevel(l)
		b.Run(l.String(), func(b *testing.B) {
			b.SetBytes(4 * int64(len(x)))
			for b.Loop() {
				copy(y, x)
				ExpSum(y, 0)
			}
		})
		restore()
	}
}

func BenchmarkSiLUMul(b *testing.B) {
	g := make([]float32, 4096)
	for i := range g {
		g[i] = float32(i%100)/10 - 5
	}
	u := make([]float32, len(g))
	dst := make([]float32, len(g))
	for _, l := range Levels() {
		restore := SetLevel(l)
		b.Run(l.String(), func(b *testing.B) {
			b.SetBytes(4 * int64(len(g)))
			for b.Loop() {
				SiLUMul(dst, g, u)
			}
		})
		restore()
	}
}
