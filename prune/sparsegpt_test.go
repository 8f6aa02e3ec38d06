package prune

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func calibHessian(seed uint64, rows, in int) (*Hessian, []float32) {
	x := calibData(seed, rows, in)
	h := NewHessian(in)
	for t0 := 0; t0 < rows; t0 += 64 {
		t1 := min(t0+64, rows)
		h.Add(x[t0*in:t1*in], t1-t0)
	}
	return h, x
}

func TestSparseGPTZeroSparsity(t *testing.T) {
	out, in := 10, 150
	h, _ := calibHessian(41, 300, in)
	w := randWeights(42, out, in)
	orig := slices.Clone(w)
	res, err := SparseGPT(w, out, in, h, Unstructured(0), SparseGPTOptions{BlockSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	if !equalF32Bits(w, orig) || res.Mask.Count() != 0 || res.Loss != 0 {
		t.Fatalf("sparsity 0 changed W (mask %d, loss %v)", res.Mask.Count(), res.Loss)
	}
}

func TestSparseGPTBlockSparsity(t *testing.T) {
	out, in, bs := 9, 200, 64
	h, _ := calibHessian(43, 400, in)
	for _, s := range []float64{0.1, 0.5, 0.7, 0.9} {
		w := randWeights(44, out, in)
		res, err := SparseGPT(w, out, in, h, Unstructured(s), SparseGPTOptions{BlockSize: bs})
		if err != nil {
			t.Fatal(err)
		}
		m := res.Mask
		total := 0
		for i1 := 0; i1 < in; i1 += bs {
			i2 := min(i1+bs, in)
			n := 0
			for r := 0; r < out; r++ {
				for j := i1; j < i2; j++ {
					if m.Get(r, j) {
						n++
					}
				}
			}
			if want := int(float64(out*(i2-i1)) * s); n != want {
				t.Fatalf("s=%v block %d: %d pruned, want %d", s, i1/bs, n, want)
			}
			total += n
		}
		if m.Count() != total {
			t.Fatal("count")
		}
		checkZeroAtMask(t, w, m)
	}
}

func checkZeroAtMask(t *testing.T, w []float32, m Mask) {
	t.Helper()
	for i := 0; i < m.Rows; i++ {
		for j := 0; j < m.Cols; j++ {
			if m.Get(i, j) && w[i*m.Cols+j] != 0 {
				t.Fatalf("weight (%d,%d) masked but %v", i, j, w[i*m.Cols+j])
			}
		}
	}
}

func TestSparseGPTNM(t *testing.T) {
	out, in := 12, 96
	h, _ := calibHessian(45, 300, in)
	for _, p := range []Pattern{NM(2, 4), NM(4, 8), NM(1, 4), NM(3, 4)} {
		w := randWeights(46, out, in)
		res, err := SparseGPT(w, out, in, h, p, SparseGPTOptions{BlockSize: 32})
		if err != nil {
			t.Fatal(err)
		}
		checkNM(t, res.Mask, p)
		checkZeroAtMask(t, w, res.Mask)
		if z := MaskOfZeros(w, out, in); !z.Equal(res.Mask) {
			t.Fatalf("%v: zeros of W differ from the mask", p)
		}
	}
}

// naiveSparseGPT transcribes the algorithm without lazy batches in float64:
// after each column every later column is updated at once. Masks are
// chosen per block of bs columns like SparseGPT.
func naiveSparseGPT(w []float32, out, in int, f *InverseFactor, p Pattern, bs int) ([]float64, Mask) {
	W := make([]float64, len(w))
	for i, v := range w {
		W[i] = float64(v)
	}
	for _, j := range f.Dead {
		for r := 0; r < out; r++ {
			W[r*in+j] = 0
		}
	}
	U := func(i, j int) float64 { return float64(f.U[i*in+j]) }
	m := NewMask(out, in)
	for i1 := 0; i1 < in; i1 += bs {
		i2 := min(i1+bs, in)
		if !p.Structured() {
			var keys []uint64
			for r := 0; r < out; r++ {
				for i := i1; i < i2; i++ {
					d := float32(U(i, i))
					v := float32(W[r*in+i])
					keys = append(keys, scoreKey(v*v/(d*d), r*(i2-i1)+i-i1))
				}
			}
			slices.Sort(keys)
			for _, k := range keys[:int(float64(len(keys))*p.Sparsity)] {
				m.Set(keyIndex(k)/(i2-i1), i1+keyIndex(k)%(i2-i1))
			}
		}
		for i := i1; i < i2; i++ {
			for r := 0; r < out; r++ {
				if p.Structured() && (i-i1)%p.M == 0 {
					var keys []uint64
					for t := 0; t < p.M; t++ {
						d := float32(U(i+t, i+t))
						v := float32(W[r*in+i+t])
						keys = append(keys, scoreKey(v*v/(d*d), t))
					}
					slices.Sort(keys)
					for _, k := range keys[:p.N] {
						m.Set(r, i+keyIndex(k))
					}
				}
				if !m.Get(r, i) {
					continue
				}
				e := W[r*in+i] / U(i, i)
				for j := i + 1; j < in; j++ {
					W[r*in+j] -= e * U(i, j)
				}
				W[r*in+i] = 0
			}
		}
	}
	return W, m
}

func TestSparseGPTMatchesNaive(t *testing.T) {
	out, in := 16, 160
	h, _ := calibHessian(47, 400, in)
	f, err := h.InverseFactor(0.01, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Pattern{Unstructured(0.5), Unstructured(0.3), NM(2, 4)} {
		for _, bs := range []int{16, 64, 160} {
			w := randWeights(48, out, in)
			want, wantMask := naiveSparseGPT(w, out, in, f, p, bs)
			res, err := SparseGPTFactor(w, out, in, f, p, SparseGPTOptions{BlockSize: bs})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Mask.Equal(wantMask) {
				t.Fatalf("%v bs=%d: mask differs from the naive version", p, bs)
			}
			if e := maxRelDiff(w, want); e > 1e-4 {
				t.Fatalf("%v bs=%d: weights differ by %.3g", p, bs, e)
			}
		}
	}
}

// maxRelDiff is max |a−b| / max |b|.
func maxRelDiff(a []float32, b []float64) float64 {
	scale, d := 0.0, 0.0
	for i := range b {
		scale = math.Max(scale, math.Abs(b[i]))
		d = math.Max(d, math.Abs(float64(a[i])-b[i]))
	}
	if scale == 0 {
		return d
	}
	return d / scale
}

func TestSparseGPTDeadInputs(t *testing.T) {
	out, in := 6, 32
	x := calibData(49, 100, in)
	for r := 0; r < 100; r++ {
		x[r*in+3], x[r*in+20] = 0, 0
	}
	h := NewHessian(in)
	h.Add(x, 100)
	w := randWeights(50, out, in)
	if _, err := SparseGPT(w, out, in, h, Unstructured(0), SparseGPTOptions{}); err != nil {
		t.Fatal(err)
	}
	for r := 0; r < out; r++ {
		if w[r*in+3] != 0 || w[r*in+20] != 0 {
			t.Fatalf("row %d: dead-input weights not zeroed", r)
		}
	}
}

// TestReconstructionOrder: on correlated calibration data with uneven
// column scales, SparseGPT reconstructs the layer's output better than
// Wanda, and Wanda better than Magnitude.
func TestReconstructionOrder(t *testing.T) {
	out, in, rows := 48, 128, 512
	h, x := calibHessian(51, rows, in)
	st := NewNormStats(in)
	st.Add(x, rows)
	dense := randWeights(52, out, in)
	for _, p := range []Pattern{Unstructured(0.5), NM(2, 4)} {
		errOf := func(m Mask) float64 {
			w := slices.Clone(dense)
			Apply(w, m)
			return ReconstructionError(dense, w, out, in, x, rows)
		}
		mag := errOf(must(Magnitude(dense, out, in, p)))
		wan := errOf(must(Wanda(dense, out, in, st, p)))
		w := slices.Clone(dense)
		if _, err := SparseGPT(w, out, in, h, p, SparseGPTOptions{}); err != nil {
			t.Fatal(err)
		}
		sgpt := ReconstructionError(dense, w, out, in, x, rows)
		t.Logf("%v: reconstruction error magnitude %.4g wanda %.4g sparsegpt %.4g", p, mag, wan, sgpt)
		if !(sgpt < wan && wan < mag) {
			t.Errorf("%v: want sparsegpt < wanda < magnitude", p)
		}
	}
}

func TestSparseGPTDeterministic(t *testing.T) {
	out, in := 45, 200
	h, _ := calibHessian(53, 300, in)
	var ref []float32
	var refMask Mask
	withProcs(t, func(procs int) {
		for _, p := range []Pattern{Unstructured(0.6), NM(2, 4)} {
			w := randWeights(54, out, in)
			res, err := SparseGPT(w, out, in, h, p, SparseGPTOptions{BlockSize: 40})
			if err != nil {
				t.Fatal(err)
			}
			if p.Structured() {
				continue
			}
			if ref == nil {
				ref, refMask = w, res.Mask
			} else if !equalF32Bits(w, ref) || !res.Mask.Equal(refMask) {
				t.Fatalf("GOMAXPROCS=%d: result differs", procs)
			}
		}
	})
}

func TestSparseGPTSharedFactor(t *testing.T) {
	out, in := 8, 64
	h, _ := calibHessian(55, 200, in)
	f, err := h.InverseFactor(0.01, 0)
	if err != nil {
		t.Fatal(err)
	}
	a, b := randWeights(56, out, in), randWeights(56, out, in)
	ra := must(SparseGPT(a, out, in, h, Unstructured(0.5), SparseGPTOptions{}))
	rb := must(SparseGPTFactor(b, out, in, f, Unstructured(0.5), SparseGPTOptions{}))
	if !equalF32Bits(a, b) || !ra.Mask.Equal(rb.Mask) || ra.Loss != rb.Loss {
		t.Fatal("SparseGPTFactor differs from SparseGPT")
	}
	if ra.Loss <= 0 {
		t.Fatal("no loss reported")
	}
}

func TestSparseGPTProgress(t *testing.T) {
	out, in := 4, 100
	h, _ := calibHessian(57, 100, in)
	var seen []int
	_, err := SparseGPT(randWeights(58, out, in), out, in, h, Unstructured(0.5), SparseGPTOptions{
		BlockSize: 32,
		Progress: func(done, total int) error {
			if total != in {
				t.Errorf("total %d", total)
			}
			seen = append(seen, done)
			return nil
		},
	})
	if err != nil || !slices.Equal(seen, []int{32, 64, 96, 100}) {
		t.Fatalf("progress %v, %v", seen, err)
	}
	stop := errors.New("stop")
	_, err = SparseGPT(randWeights(58, out, in), out, in, h, Unstructured(0.5), SparseGPTOptions{
		Progress: func(done, total int) error { return stop },
	})
	if !errors.Is(err, stop) {
		t.Fatalf("cancel: %v", err)
	}
}

func TestSparseGPTErrors(t *testing.T) {
	h, _ := calibHessian(59, 50, 8)
	w := randWeights(60, 4, 8)
	cases := map[string]func() error{
		"nil hessian": func() error { _, err := SparseGPT(w, 4, 8, nil, Unstructured(0.5), SparseGPTOptions{}); return err },
		"wrong size": func() error {
			_, err := SparseGPT(w, 4, 8, NewHessian(7), Unstructured(0.5), SparseGPTOptions{})
			return err
		},
		"no samples": func() error {
			_, err := SparseGPT(w, 4, 8, NewHessian(8), Unstructured(0.5), SparseGPTOptions{})
			return err
		},
		"block vs M": func() error { _, err := SparseGPT(w, 4, 8, h, NM(2, 4), SparseGPTOptions{BlockSize: 6}); return err },
		"negative damp": func() error {
			_, err := SparseGPT(w, 4, 8, h, Unstructured(0.5), SparseGPTOptions{PercDamp: -1})
			return err
		},
		"bad pattern": func() error { _, err := SparseGPT(w, 4, 8, h, Unstructured(1), SparseGPTOptions{}); return err },
		"nan weight": func() error {
			w2 := slices.Clone(w)
			w2[0] = float32(math.NaN())
			_, err := SparseGPT(w2, 4, 8, h, Unstructured(0.5), SparseGPTOptions{})
			return err
		},
		"nil factor": func() error {
			_, err := SparseGPTFactor(w, 4, 8, nil, Unstructured(0.5), SparseGPTOptions{})
			return err
		},
	}
	for name, f := range cases {
		if err := f(); err == nil || !strings.Contains(err.Error(), "4x8") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestReconstructionError(t *testing.T) {
	out, in, rows := 3, 5, 4
	a := randWeights(61, out, in)
	b := randWeights(62, out, in)
	x := calibData(63, rows, in)
	want := 0.0
	for tk := 0; tk < rows; tk++ {
		for o := 0; o < out; o++ {
			ya, yb := 0.0, 0.0
			for j := 0; j < in; j++ {
				ya += float64(a[o*in+j]) * float64(x[tk*in+j])
				yb += float64(b[o*in+j]) * float64(x[tk*in+j])
			}
			want += (ya - yb) * (ya - yb)
		}
	}
	if got := ReconstructionError(a, b, out, in, x, rows); math.Abs(got-want) > 1e-9*want {
		t.Fatalf("got %v, want %v", got, want)
	}
	if ReconstructionError(a, a, out, in, x, rows) != 0 {
		t.Fatal("same weights")
	}
}
