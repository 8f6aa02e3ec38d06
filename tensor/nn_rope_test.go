package tensor

import (
	"math"
	"testing"
)

// ropeRef rotates x [seq, heads·headDim] in float64 with the given
// inverse frequencies and positions.
func ropeRef(x []float32, inv []float64, pos []int, heads, headDim int) []float64 {
	out := toF64(x)
	h := headDim / 2
	for s, p := range pos {
		for hd := 0; hd < heads; hd++ {
			o := out[(s*heads+hd)*headDim:]
			for i := 0; i < h; i++ {
				a := float64(p) * inv[i]
				x1, x2 := o[i], o[i+h]
				o[i] = x1*math.Cos(a) - x2*math.Sin(a)
				o[i+h] = x2*math.Cos(a) + x1*math.Sin(a)
			}
		}
	}
	return out
}

// invFreqRef is the default rope inverse frequency in float64.
func invFreqRef(headDim int, theta float64) []float64 {
	inv := make([]float64, headDim/2)
	for i := range inv {
		inv[i] = math.Pow(theta, -float64(2*i)/float64(headDim))
	}
	return inv
}

// llama3Ref is the Llama-3 frequency rule in float64, straight from the
// formula.
func llama3Ref(inv []float64, sc RoPEScaling) []float64 {
	out := make([]float64, len(inv))
	old := float64(sc.OriginalMaxPositionEmbeddings)
	for i, f := range inv {
		wavelen := 2 * math.Pi / f
		switch {
		case wavelen < old/sc.HighFreqFactor:
			out[i] = f
		case wavelen > old/sc.LowFreqFactor:
			out[i] = f / sc.Factor
		default:
			s := (old/wavelen - sc.LowFreqFactor) / (sc.HighFreqFactor - sc.LowFreqFactor)
			out[i] = (1-s)*f/sc.Factor + s*f
		}
	}
	return out
}

var llama31Scaling = RoPEScaling{Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositionEmbeddings: 8192}

func TestRoPEInvFreq(t *testing.T) {
	for _, c := range []struct {
		headDim int
		theta   float64
	}{{2, 10000}, {8, 10000}, {64, 10000}, {128, 500000}, {128, 1e6}} {
		r := NewRoPE(c.headDim, c.theta, nil)
		assertClose(t, "InvFreq", r.InvFreq, invFreqRef(c.headDim, c.theta), 2e-7)
		if r.InvFreq[0] != 1 {
			t.Errorf("InvFreq[0] = %g, want 1", r.InvFreq[0])
		}
	}
}

// TestRoPELlama3ByHand checks the Llama-3 rule on headDim 8, theta 5e5,
// factor 8, low 1, high 4, original context 8192, where the four pairs
// fall in every branch. By hand: inv_i = 500000^(-i/4) and
// wavelen_i = 2π/inv_i; the thresholds are 8192/4 = 2048 and 8192/1 = 8192.
//
//	i=0: inv 1,                wavelen 6.283   < 2048: kept   -> 1
//	i=1: inv 0.0376060309,     wavelen 167.08  < 2048: kept   -> 0.0376060309
//	i=2: inv 0.00141421356,    wavelen 4442.88 between: s = (8192/4442.88 - 1)/3
//	     = 0.281282605, (1-s)·inv/8 + s·inv = inv·0.371118...  -> 0.000524846161
//	i=3: inv 5.31829590e-05,   wavelen 118143  > 8192: /8     -> 6.64786987e-06
func TestRoPELlama3ByHand(t *testing.T) {
	sc := llama31Scaling
	r := NewRoPE(8, 500000, &sc)
	want := []float64{1, 0.03760603093086393, 0.0005248461609929547, 6.647869871181235e-06}
	for i, w := range want {
		if e := math.Abs(float64(r.InvFreq[i])-w) / w; e > 3e-7 {
			t.Errorf("InvFreq[%d] = %.9g, want %.9g (rel err %.2g)", i, r.InvFreq[i], w, e)
		}
	}
}

func TestRoPELlama3Formula(t *testing.T) {
	for _, sc := range []RoPEScaling{
		llama31Scaling,
		{Factor: 32, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositionEmbeddings: 8192}, // Llama 3.2
		{Factor: 4, LowFreqFactor: 2, HighFreqFactor: 16, OriginalMaxPositionEmbeddings: 4096},
	} {
		for _, hd := range []int{64, 128} {
			r := NewRoPE(hd, 500000, &sc)
			want := llama3Ref(invFreqRef(hd, 500000), sc)
			for i, w := range want {
				if e := math.Abs(float64(r.InvFreq[i])-w) / w; e > 1e-6 {
					t.Errorf("%+v hd %d: InvFreq[%d] = %.9g, want %.9g", sc, hd, i, r.InvFreq[i], w)
				}
			}
			plain := NewRoPE(hd, 500000, nil)
			if r.InvFreq[0] != plain.InvFreq[0] || r.InvFreq[hd/2-1] != plain.InvFreq[hd/2-1]/float32(sc.Factor) {
				t.Errorf("%+v hd %d: highest frequency must be kept and lowest divided by factor", sc, hd)
			}
		}
	}
}

func TestRoPEApply(t *testing.T) {
	rng := newRNG(10)
	for _, hd := range []int{2, 4, 6, 8, 16, 64, 128} {
		for _, heads := range []int{1, 3} {
			const seq = 5
			r := NewRoPE(hd, 10000, nil)
			x := randF32(rng, seq*heads*hd, 2)

			// Small positions against the all-float64 reference (at large
			// positions the f32 rounding of InvFreq itself shows).
			pos := []int{0, 1, 2, 3, 4}
			xx, check := guardedCopy(x, hd%3)
			r.Apply(xx, seq, heads, hd, 0)
			check(t)
			assertClose(t, "RoPE.Apply", xx, ropeRef(x, invFreqRef(hd, 10000), pos, heads, hd), 2e-6)

			// Large positions against a reference using the same f32 angles.
			pos = []int{17, 1000, 8191, 70000, 3}
			angles := make([]float64, len(r.InvFreq))
			want := toF64(x)
			for s, p := range pos {
				for i, f := range r.InvFreq {
					angles[i] = float64(float32(p) * f)
				}
				row := ropeRef(x[s*heads*hd:(s+1)*heads*hd], angles, []int{1}, heads, hd)
				copy(want[s*heads*hd:], row)
			}
			xx = append([]float32(nil), x...)
			r.ApplyPositions(xx, pos, heads, hd)
			assertClose(t, "RoPE.ApplyPositions", xx, want, 2e-6)

			// startPos is the position of row 0; Precompute changes nothing.
			a := append([]float32(nil), x...)
			r.Apply(a, seq, heads, hd, 40)
			b := append([]float32(nil), x...)
			r.ApplyPositions(b, []int{40, 41, 42, 43, 44}, heads, hd)
			assertSame(t, "Apply(startPos) vs ApplyPositions", a, b)
			r.Precompute(42)
			c := append([]float32(nil), x...)
			r.Apply(c, seq, heads, hd, 40)
			assertSame(t, "Precompute", c, a)
		}
	}
}

func TestRoPEPreservesNorm(t *testing.T) {
	rng := newRNG(11)
	sc := llama31Scaling
	r := NewRoPE(64, 500000, &sc)
	x := randF32(rng, 64, 1)
	for _, p := range []int{0, 1, 100, 5000, 131071} {
		y := append([]float32(nil), x...)
		r.ApplyPositions(y, []int{p}, 1, 64)
		// Every pair (i, i+32) is a plane rotation, so its norm is kept.
		for i := 0; i < 32; i++ {
			n0 := math.Hypot(float64(x[i]), float64(x[i+32]))
			n1 := math.Hypot(float64(y[i]), float64(y[i+32]))
			if math.Abs(n1-n0) > 2e-7*(1+n0) {
				t.Fatalf("pos %d pair %d: norm %g -> %g", p, i, n0, n1)
			}
		}
	}
}

// TestRoPERelative checks the defining property of rotary embeddings:
// q(m)·k(n) depends only on m-n.
func TestRoPERelative(t *testing.T) {
	rng := newRNG(12)
	sc := llama31Scaling
	for _, r := range []*RoPE{NewRoPE(64, 10000, nil), NewRoPE(128, 500000, &sc)} {
		hd := r.HeadDim
		q, k := randF32(rng, hd, 1), randF32(rng, hd, 1)
		dot := func(m, n int) float64 {
			qm, kn := append([]float32(nil), q...), append([]float32(nil), k...)
			r.ApplyPositions(qm, []int{m}, 1, hd)
			r.ApplyPositions(kn, []int{n}, 1, hd)
			var s float64
			for i := range qm {
				s += float64(qm[i]) * float64(kn[i])
			}
			return s
		}
		var qn, kn float64
		for i := range q {
			qn += float64(q[i]) * float64(q[i])
			kn += float64(k[i]) * float64(k[i])
		}
		bound := math.Sqrt(qn*kn) * 2e-5
		for _, c := range [][2]int{{5, 2}, {7, 7}, {0, 9}, {300, 100}} {
			d0 := dot(c[0], c[1])
			for _, shift := range []int{1, 13, 200} {
				if d := dot(c[0]+shift, c[1]+shift); math.Abs(d-d0) > bound {
					t.Errorf("hd %d: q(%d)·k(%d) = %g but shifted by %d gives %g", hd, c[0], c[1], d0, shift, d)
				}
			}
		}
	}
}

func TestRoPEPanics(t *testing.T) {
	mustPanic(t, "odd headDim", func() { NewRoPE(7, 10000, nil) })
	mustPanic(t, "zero theta", func() { NewRoPE(8, 0, nil) })
	mustPanic(t, "bad scaling", func() {
		NewRoPE(8, 10000, &RoPEScaling{Factor: 8, LowFreqFactor: 4, HighFreqFactor: 1, OriginalMaxPositionEmbeddings: 8192})
	})
	r := NewRoPE(8, 10000, nil)
	mustPanic(t, "headDim mismatch", func() { r.Apply(make([]float32, 16), 1, 1, 16, 0) })
	mustPanic(t, "short x", func() { r.Apply(make([]float32, 15), 2, 1, 8, 0) })
}
