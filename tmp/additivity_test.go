package tmp

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

func TestFitStats(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	y := []float64{2, 4, 6, 8}
	p, r2, b := fitStats(x, y)
	// y = 2x: perfect correlation, slope 2, identity fit R² = 1 − Σ(y−x)²/Σ(y−ȳ)² = 1 − 30/20.
	if math.Abs(p-1) > 1e-12 || math.Abs(b-2) > 1e-12 || math.Abs(r2-(1-30.0/20)) > 1e-12 {
		t.Fatalf("pearson %v r2 %v slope %v", p, r2, b)
	}
	p, r2, b = fitStats([]float64{1, 1}, []float64{3, 3})
	if !math.IsNaN(p) || !math.IsNaN(r2) || b != 3 {
		t.Fatalf("constant: %v %v %v", p, r2, b)
	}
	p, _, _ = fitStats([]float64{1, 2, 3}, []float64{3, 2, 1})
	if math.Abs(p+1) > 1e-12 {
		t.Fatalf("anti-correlated: %v", p)
	}
}

func TestAdditivity(t *testing.T) {
	ladder := []Precision{pF32, pBF16, pInt8}
	steps := 10
	for _, tc := range []struct {
		mode  string
		noise float64
	}{{"additive", 0}, {"additive", 0.05}, {"sqrt", 0}, {"max", 0}} {
		r := rand.New(rand.NewPCG(11, 12))
		s := newSynth(r, ladder, steps)
		s.mode, s.noise = tc.mode, tc.noise
		var calls []int
		res, err := Additivity(context.Background(), s, AdditivityOptions{Steps: steps, Ladder: ladder, Sets: 15, Seed: 1,
			Progress: func(done, total int) { calls = append(calls, done) }})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Singles) != 2*steps || len(res.Sets) != 2*15 || len(res.Fits) != 6 {
			t.Fatalf("%d singles, %d sets, %d fits", len(res.Singles), len(res.Sets), len(res.Fits))
		}
		if len(calls) != 2*(steps+15) || calls[len(calls)-1] != 2*(steps+15) {
			t.Fatalf("progress %v", calls)
		}
		if res.Runs > s.calls {
			t.Fatalf("runs %d > calls %d", res.Runs, s.calls)
		}
		sizes := map[int]bool{}
		for _, sp := range res.Sets {
			sizes[len(sp.Steps)] = true
		}
		if !sizes[2] || !sizes[steps] {
			t.Fatalf("set sizes %v", sizes)
		}
		for _, f := range res.Fits {
			switch {
			case tc.mode == "additive" && tc.noise == 0:
				if math.Abs(f.Pearson-1) > 1e-9 || math.Abs(f.R2-1) > 1e-9 || math.Abs(f.Slope-1) > 1e-9 {
					t.Fatalf("additive: %+v", f)
				}
			case tc.mode == "additive":
				if f.Pearson < 0.95 || math.Abs(f.Slope-1) > 0.05 {
					t.Fatalf("noisy: %+v", f)
				}
			default:
				if f.Slope > 1 || f.R2 > 0.99 {
					t.Fatalf("%s: %+v", tc.mode, f)
				}
			}
		}
		data, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		var back AdditivityResult
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		if len(back.Fits) != len(res.Fits) || back.Fits[0].N != res.Fits[0].N {
			t.Fatalf("round trip")
		}
	}
	if _, err := Additivity(context.Background(), nil, AdditivityOptions{Steps: 4, Ladder: []Precision{pF32}}); err == nil {
		t.Fatal("one-precision ladder accepted")
	}
}

func TestFitJSONNaN(t *testing.T) {
	f := Fit{Scope: "all", Metric: MetricMSE, N: 1, Pearson: math.NaN(), R2: math.NaN(), Slope: 1.5}
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var g Fit
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(g.Pearson) || !math.IsNaN(g.R2) || g.Slope != 1.5 || g.Scope != "all" {
		t.Fatalf("%s -> %+v", data, g)
	}
}
