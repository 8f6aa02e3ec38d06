package prune

import (
	"math"
	"sort"
	"strings"
	"testing"
)

// bruteMask is the reference's row-wise selection written plainly: scores
// of each row sorted stably ascending, the first int(in·s) pruned; for N:M
// each group's scores sorted stably and the first N pruned.
func bruteMask(scores []float32, out, in int, p Pattern) Mask {
	m := NewMask(out, in)
	pick := func(i, g, n int, s []float32) {
		idx := make([]int, len(s))
		for j := range idx {
			idx[j] = j
		}
		sort.SliceStable(idx, func(a, b int) bool { return s[idx[a]] < s[idx[b]] })
		for _, j := range idx[:n] {
			m.Set(i, g+j)
		}
	}
	for i := 0; i < out; i++ {
		row := scores[i*in : (i+1)*in]
		if p.Structured() {
			for g := 0; g < in; g += p.M {
				pick(i, g, p.N, row[g:g+p.M])
			}
		} else {
			pick(i, 0, int(float64(in)*p.Sparsity), row)
		}
	}
	return m
}

// tiedWeights has many repeated magnitudes and zeros, so ties decide.
func tiedWeights(seed uint64, out, in int) []float32 {
	r := newRand(seed)
	w := make([]float32, out*in)
	for i := range w {
		w[i] = float32(r.IntN(7)-3) * 0.25
	}
	return w
}

func wandaStats(seed uint64, in int, zeroCols ...int) *NormStats {
	st := NewNormStats(in)
	x := calibData(seed, 40, in)
	for _, j := range zeroCols {
		for t := 0; t < 40; t++ {
			x[t*in+j] = 0
		}
	}
	st.Add(x[:20*in], 20)
	st.Add(x[20*in:], 20)
	return st
}

var testPatterns = []Pattern{Unstructured(0), Unstructured(0.1), Unstructured(0.5), Unstructured(0.73), Unstructured(0.999), NM(2, 4), NM(4, 8), NM(1, 4), NM(3, 4)}

func TestWandaMatchesBruteForce(t *testing.T) {
	for _, size := range [][2]int{{1, 8}, {7, 24}, {33, 40}, {16, 200}} {
		out, in := size[0], size[1]
		for wi, w := range [][]float32{randWeights(5, out, in), tiedWeights(6, out, in)} {
			st := wandaStats(7, in, 0, in/2)
			sc := st.ScalerRow()
			scores := make([]float32, out*in)
			for k, v := range w {
				scores[k] = float32(math.Abs(float64(v))) * float32(math.Sqrt(sc[k%in]))
			}
			for _, p := range testPatterns {
				got, err := Wanda(w, out, in, st, p)
				if err != nil {
					t.Fatalf("%dx%d %v: %v", out, in, p, err)
				}
				if want := bruteMask(scores, out, in, p); !got.Equal(want) {
					t.Errorf("%dx%d weights %d %v: mask differs from brute force", out, in, wi, p)
				}
				mag, err := Magnitude(w, out, in, p)
				if err != nil {
					t.Fatal(err)
				}
				abs := make([]float32, len(w))
				for k, v := range w {
					abs[k] = float32(math.Abs(float64(v)))
				}
				if want := bruteMask(abs, out, in, p); !mag.Equal(want) {
					t.Errorf("%dx%d weights %d %v: magnitude mask differs from brute force", out, in, wi, p)
				}
			}
		}
	}
}

func TestRowSparsityExact(t *testing.T) {
	for _, in := range []int{8, 24, 120, 333} {
		out := 9
		w := randWeights(8, out, in)
		st := wandaStats(9, in)
		for _, p := range testPatterns {
			if p.Structured() && in%p.M != 0 {
				continue
			}
			want := int(float64(in) * p.Sparsity)
			if p.Structured() {
				want = in / p.M * p.N
			}
			for name, m := range map[string]Mask{"magnitude": must(Magnitude(w, out, in, p)), "wanda": must(Wanda(w, out, in, st, p))} {
				for i, c := range m.RowCounts() {
					if c != want {
						t.Fatalf("%s %dx%d %v: row %d prunes %d, want %d", name, out, in, p, i, c, want)
					}
				}
				if p.Structured() {
					checkNM(t, m, p)
				}
			}
		}
	}
}

// checkNM checks that every group of M inputs of every row has exactly N
// pruned weights.
func checkNM(t *testing.T, m Mask, p Pattern) {
	t.Helper()
	for i := 0; i < m.Rows; i++ {
		for g := 0; g < m.Cols; g += p.M {
			n := 0
			for j := g; j < g+p.M; j++ {
				if m.Get(i, j) {
					n++
				}
			}
			if n != p.N {
				t.Fatalf("%v: row %d group %d has %d pruned", p, i, g/p.M, n)
			}
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestWandaErrors(t *testing.T) {
	w := randWeights(1, 4, 8)
	p := Unstructured(0.5)
	cases := map[string]func() error{
		"nil stats":  func() error { _, err := Wanda(w, 4, 8, nil, p); return err },
		"wrong size": func() error { _, err := Wanda(w, 4, 8, NewNormStats(7), p); return err },
		"no samples": func() error { _, err := Wanda(w, 4, 8, NewNormStats(8), p); return err },
		"nan stats": func() error {
			st := NewNormStats(8)
			x := make([]float32, 8)
			x[3] = float32(math.NaN())
			st.Add(x, 1)
			_, err := Wanda(w, 4, 8, st, p)
			return err
		},
		"inf weight": func() error {
			w2 := append([]float32(nil), w...)
			w2[5] = float32(math.Inf(1))
			_, err := Wanda(w2, 4, 8, wandaStats(1, 8), p)
			return err
		},
	}
	for name, f := range cases {
		err := f()
		if err == nil || !strings.Contains(err.Error(), "4x8") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestNormStats(t *testing.T) {
	in := 13
	x := calibData(3, 50, in)
	one := NewNormStats(in)
	one.AddBatch(x, 50, 5)
	split := NewNormStats(in)
	for t0 := 0; t0 < 50; t0 += 10 {
		split.Add(x[t0*in:(t0+10)*in], 10)
	}
	a, b := one.ScalerRow(), split.ScalerRow()
	for j := range a {
		var want float64
		for t := 0; t < 50; t++ {
			v := float64(x[t*in+j])
			want += v * v
		}
		want /= 5
		if a[j] != b[j] || math.Abs(a[j]-want) > 1e-12*want {
			t.Fatalf("column %d: %v %v, want %v", j, a[j], b[j], want)
		}
	}
	if one.Samples() != 5 || one.Tokens() != 50 || split.Samples() != 5 {
		t.Fatal("counts")
	}
	if NewNormStats(3).ScalerRow() != nil {
		t.Fatal("empty ScalerRow")
	}
}

func TestRowMethodsDeterministic(t *testing.T) {
	out, in := 37, 256
	w := randWeights(11, out, in)
	st := wandaStats(12, in)
	ref := must(Wanda(w, out, in, st, Unstructured(0.5)))
	withProcs(t, func(procs int) {
		if got := must(Wanda(w, out, in, st, Unstructured(0.5))); !got.Equal(ref) {
			t.Fatalf("GOMAXPROCS=%d: mask differs", procs)
		}
	})
}
