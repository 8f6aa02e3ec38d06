package tmp

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

var ladders = [][]Precision{
	{pF32, pInt8},
	{pF32, pBF16, pInt4},
	{pF32, pBF16, pInt8, pInt4},
}

func checkCommon(t *testing.T, res SearchResult, s *synth, opt SearchOptions) {
	t.Helper()
	budget := opt.MaxRunsPerLevel
	if budget == 0 {
		budget = 2 * opt.Steps
	}
	for q, n := range res.RunsPerLevel {
		if n > budget {
			t.Fatalf("level %s: %d runs > budget %d", res.Ladder[q], n, budget)
		}
	}
	if len(res.Schedule) != opt.Steps {
		t.Fatalf("schedule has %d steps, want %d", len(res.Schedule), opt.Steps)
	}
	if opt.TargetSpeedup > 0 {
		vs := res.SpeedupVs
		if sp := s.prof.PredictedSpeedup(res.Schedule, vs); sp < opt.TargetSpeedup*(1-1e-9) {
			t.Fatalf("schedule %s: speed-up %v < target %v", res.Schedule, sp, opt.TargetSpeedup)
		}
		if !res.MeetsTarget {
			t.Fatalf("MeetsTarget false")
		}
	}
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var back SearchResult
	if err := json.Unmarshal(data, &back); err != nil || !back.Schedule.Equal(res.Schedule) || back.Quality.SSIM != res.Quality.SSIM || len(back.Trace) != len(res.Trace) {
		t.Fatalf("JSON round trip: %v", err)
	}
	if res.Runs > s.calls {
		t.Fatalf("Runs %d > evaluator calls %d", res.Runs, s.calls)
	}
}

// TestSearchOptimalAdditive compares the search with exhaustive enumeration
// on random additive instances: it must find the optimum and certify it.
func TestSearchOptimalAdditive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ctx := context.Background()
	n := 0
	for _, ladder := range ladders {
		for steps := 1; steps <= 8; steps++ {
			if len(ladder) == 4 && steps > 6 {
				continue
			}
			for inst := 0; inst < 12; inst++ {
				s := newSynth(r, ladder, steps)
				opt := SearchOptions{Steps: steps, Ladder: ladder}
				var maxCost, maxErr float64
				metric := MetricSSIM
				switch inst % 3 {
				case 0, 1:
					minC := s.prof.Seconds[ladder[len(ladder)-1]]
					full := float64(steps) * s.prof.Seconds[ladder[0]]
					// between the reference and the cheapest uniform
					opt.TargetSpeedup = 1 + r.Float64()*(s.prof.Seconds[ladder[0]]/minC-1)
					maxCost = full / opt.TargetSpeedup
					if inst%3 == 1 {
						opt.Metric, metric = MetricMSE, MetricMSE
					}
				case 2:
					var tot float64
					for q := 1; q < len(ladder); q++ {
						for _, v := range s.e[q] {
							tot += v
						}
					}
					maxErr = tot * r.Float64() / float64(len(ladder)-1)
					opt.MinSSIM = 1 - maxErr
				}
				res, err := Search(ctx, s, s.prof, opt)
				if err != nil {
					t.Fatal(err)
				}
				checkCommon(t, res, s, opt)
				wantErr, wantCost, ok := s.exhaustive(metric, maxCost, maxErr)
				if !ok || !res.Feasible {
					t.Fatalf("instance %d: exhaustive found %v, search feasible %v", n, ok, res.Feasible)
				}
				if !res.Certified {
					t.Fatalf("ladder %v steps %d inst %d: not certified (pred %v bound %v)", ladder, steps, inst, res.PredictedError, res.LowerBound)
				}
				if maxCost > 0 {
					if math.Abs(res.PredictedError-wantErr) > 1e-12+1e-9*wantErr {
						t.Fatalf("ladder %v steps %d inst %d: error %v, optimum %v (schedule %s)", ladder, steps, inst, res.PredictedError, wantErr, res.Schedule)
					}
					if got := res.Quality.Error(metric); math.Abs(got-wantErr) > 1e-9+1e-9*wantErr {
						t.Fatalf("measured error %v, optimum %v", got, wantErr)
					}
				} else {
					c, _ := s.prof.Cost(res.Schedule)
					if math.Abs(c-wantCost) > 1e-9*wantCost {
						t.Fatalf("ladder %v steps %d inst %d: cost %v, optimum %v (schedule %s)", ladder, steps, inst, c, wantCost, res.Schedule)
					}
					if !res.MeetsTarget {
						t.Fatalf("quality target not met: %v", res.Quality.SSIM)
					}
				}
				n++
			}
		}
	}
	t.Logf("%d instances optimal", n)
}

// TestSearchBudget: with a small run budget the search stays within it,
// meets the speed target and says why it may not be optimal.
func TestSearchBudget(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for inst := 0; inst < 40; inst++ {
		ladder := ladders[inst%len(ladders)]
		steps := 4 + r.IntN(20)
		s := newSynth(r, ladder, steps)
		opt := SearchOptions{Steps: steps, Ladder: ladder, MaxRunsPerLevel: 1 + r.IntN(steps),
			TargetSpeedup: 1 + r.Float64()*(s.prof.Seconds[ladder[0]]/s.prof.Seconds[ladder[len(ladder)-1]]-1)}
		res, err := Search(context.Background(), s, s.prof, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkCommon(t, res, s, opt)
		if !res.Certified && res.Reason == "" {
			t.Fatalf("uncertified without a reason")
		}
	}
}

// TestSearchAdaptive: errors concentrated on a few early steps need far
// fewer runs than the full tree.
func TestSearchAdaptive(t *testing.T) {
	const steps = 32
	ladder := []Precision{pF32, pInt8}
	s := &synth{ladder: ladder, mode: "additive", prof: CostProfile{Seconds: map[Precision]float64{pF32: 1, pInt8: 0.25}}}
	s.e = [][]float64{make([]float64, steps), make([]float64, steps)}
	s.mse = [][]float64{make([]float64, steps), make([]float64, steps)}
	for t := range steps {
		s.e[1][t] = 1e-4 / float64(1+t*t)
		if t < 3 {
			s.e[1][t] = 0.05 / float64(1+t)
		}
	}
	// 3 steps at f32, 29 at int8: cost 3 + 29/4 = 10.25 → 3.12×
	opt := SearchOptions{Steps: steps, Ladder: ladder, TargetSpeedup: 3.1}
	res, err := Search(context.Background(), s, s.prof, opt)
	if err != nil {
		t.Fatal(err)
	}
	checkCommon(t, res, s, opt)
	if want := "f32:3,int8:29"; res.Schedule.String() != want || !res.Certified {
		t.Fatalf("schedule %s certified %v, want %s", res.Schedule, res.Certified, want)
	}
	if res.RunsPerLevel[1] > steps {
		t.Fatalf("%d runs, want far fewer than the full tree (%d)", res.RunsPerLevel[1], 2*steps-1)
	}
	t.Logf("runs per level %v, total %d", res.RunsPerLevel, res.Runs)
}

func TestSearchInfeasible(t *testing.T) {
	prof := CostProfile{Seconds: map[Precision]float64{pF32: 1, pBF16: 0.5, pInt8: 0.3}}
	s := &synth{ladder: []Precision{pF32, pBF16, pInt8}, prof: prof}
	res, err := Search(context.Background(), s, prof, SearchOptions{Steps: 10, TargetSpeedup: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Feasible || !strings.Contains(res.Reason, "int8") || s.calls != 0 {
		t.Fatalf("feasible %v reason %q calls %d", res.Feasible, res.Reason, s.calls)
	}
	// 1.5× over bf16 is reachable (int8 is 1.67× faster than bf16).
	s.e = [][]float64{make([]float64, 10), make([]float64, 10), make([]float64, 10)}
	s.mse = s.e
	for i := range 10 {
		s.e[1][i], s.e[2][i] = 0.001, 0.002*float64(i+1)
	}
	opt := SearchOptions{Steps: 10, TargetSpeedup: 1.5, SpeedupVs: pBF16}
	res, err = Search(context.Background(), s, prof, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Feasible || !res.Certified {
		t.Fatalf("feasible %v certified %v: %s", res.Feasible, res.Certified, res.Reason)
	}
	checkCommon(t, res, s, opt)
}

func TestSearchOptionErrors(t *testing.T) {
	prof := CostProfile{Seconds: map[Precision]float64{pF32: 1, pInt8: 0.3}}
	ev := EvaluatorFunc(func(context.Context, Schedule) (Quality, error) { return Quality{SSIM: 1}, nil })
	for _, opt := range []SearchOptions{
		{Steps: 4},
		{Steps: 4, TargetSpeedup: 2, MinSSIM: 0.9},
		{Steps: 0, TargetSpeedup: 2},
		{Steps: 4, TargetSpeedup: 2, Ladder: []Precision{pF32, pInt4}},
		{Steps: 4, TargetSpeedup: 2, Ladder: []Precision{pF32, pF32}},
		{Steps: 4, MinSSIM: 2},
		{Steps: 4, MinSSIM: 0.9, Metric: MetricMSE},
		{Steps: 4, TargetSpeedup: 2, Metric: "psnr"},
		{Steps: 4, TargetSpeedup: math.NaN()},
		{Steps: 4, TargetSpeedup: 2, SpeedupVs: pBF16},
	} {
		if _, err := Search(context.Background(), ev, prof, opt); err == nil {
			t.Errorf("%+v: no error", opt)
		}
	}
}

// TestSearchNonAdditive: interaction noise, compounding and saturating
// errors break the model; the search must still meet the speed target
// within its budget, and with small noise stay close to the optimum.
func TestSearchNonAdditive(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for inst := 0; inst < 30; inst++ {
		ladder := ladders[inst%len(ladders)]
		steps := 2 + r.IntN(7)
		s := newSynth(r, ladder, steps)
		s.mode = []string{"additive", "sqrt", "max"}[inst%3]
		if s.mode == "additive" {
			s.noise = 0.05
		}
		opt := SearchOptions{Steps: steps, Ladder: ladder,
			TargetSpeedup: 1 + r.Float64()*(s.prof.Seconds[ladder[0]]/s.prof.Seconds[ladder[len(ladder)-1]]-1)}
		res, err := Search(context.Background(), s, s.prof, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkCommon(t, res, s, opt)
		if s.mode == "additive" {
			// The true (noise-free) error of the choice is within the
			// noise of the optimum: e ≤ (1+δ)/(1−δ)·opt.
			var e float64
			for tt, p := range res.Schedule {
				e += s.e[s.level(p)][tt]
			}
			want, _, _ := s.exhaustive(MetricSSIM, float64(steps)/opt.TargetSpeedup, 0)
			if e > want*1.05/0.95+1e-15 {
				t.Fatalf("inst %d: error %v, optimum %v", inst, e, want)
			}
		}
	}
}

func TestSearchGap(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for inst := 0; inst < 30; inst++ {
		ladder := ladders[inst%len(ladders)]
		steps := 4 + r.IntN(5)
		s := newSynth(r, ladder, steps)
		opt := SearchOptions{Steps: steps, Ladder: ladder,
			TargetSpeedup: 1 + r.Float64()*(s.prof.Seconds[ladder[0]]/s.prof.Seconds[ladder[len(ladder)-1]]-1)}
		exact, err := Search(context.Background(), s, s.prof, opt)
		if err != nil {
			t.Fatal(err)
		}
		opt.Gap = 0.3
		res, err := Search(context.Background(), s, s.prof, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkCommon(t, res, s, opt)
		if res.Runs > exact.Runs {
			t.Fatalf("gap search used %d runs, exact %d", res.Runs, exact.Runs)
		}
		if res.PredictedError*(1-opt.Gap) > exact.PredictedError+1e-15 {
			t.Fatalf("error %v not within the gap of the optimum %v", res.PredictedError, exact.PredictedError)
		}
	}
}

func TestSearchProgressCancelAndSlowLevel(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	ladder := []Precision{pF32, pBF16, pInt8}
	s := newSynth(r, ladder, 8)
	s.prof.Seconds[pBF16] = 1.2 // slower than the reference here: never used
	var seen []SearchProgress
	opt := SearchOptions{Steps: 8, Ladder: ladder, TargetSpeedup: 1.3, Progress: func(p SearchProgress) { seen = append(seen, p) }}
	res, err := Search(context.Background(), s, s.prof, opt)
	if err != nil {
		t.Fatal(err)
	}
	checkCommon(t, res, s, opt)
	if res.RunsPerLevel[1] != 0 || strings.Contains(res.Schedule.String(), "bf16") {
		t.Fatalf("slow bf16 used: %v %s", res.RunsPerLevel, res.Schedule)
	}
	if len(seen) != len(res.Trace)+2 || seen[len(seen)-1].Phase != "reference" || seen[0].Phase != "measure" || seen[0].End != 8 {
		t.Fatalf("progress %+v", seen)
	}
	for _, p := range seen {
		if p.Runs > p.MaxRuns {
			t.Fatalf("progress %+v", p)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	opt.Progress = func(SearchProgress) {
		if n++; n == 3 {
			cancel()
		}
	}
	if _, err := Search(ctx, s, s.prof, opt); err == nil {
		t.Fatal("cancelled search returned no error")
	}
}

// TestSearchSpread: when every step carries at least a share ρ of any
// interval's mean error (here per-step errors vary by at most 1.5× within
// a level, so ρ = 2/3 holds), Spread ≤ ρ still finds the optimum, with
// fewer runs than the exact search.
func TestSearchSpread(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	fewer := 0
	for inst := 0; inst < 60; inst++ {
		ladder := ladders[inst%len(ladders)]
		steps := 2 + r.IntN(7)
		s := newSynth(r, ladder, steps)
		for q := 1; q < len(ladder); q++ {
			base := 0.001 * float64(q) * (0.5 + r.Float64())
			for i := range s.e[q] {
				s.e[q][i] = base * (1 + 0.5*r.Float64())
			}
		}
		opt := SearchOptions{Steps: steps, Ladder: ladder,
			TargetSpeedup: 1 + r.Float64()*(s.prof.Seconds[ladder[0]]/s.prof.Seconds[ladder[len(ladder)-1]]-1)}
		exact, err := Search(context.Background(), s, s.prof, opt)
		if err != nil {
			t.Fatal(err)
		}
		opt.Spread = 0.6
		res, err := Search(context.Background(), s, s.prof, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkCommon(t, res, s, opt)
		want, _, _ := s.exhaustive(MetricSSIM, float64(steps)/opt.TargetSpeedup, 0)
		if math.Abs(res.PredictedError-want) > 1e-12 {
			t.Fatalf("inst %d: error %v, optimum %v", inst, res.PredictedError, want)
		}
		if res.Runs > exact.Runs {
			t.Fatalf("spread used %d runs, exact %d", res.Runs, exact.Runs)
		}
		if res.Runs < exact.Runs {
			fewer++
		}
	}
	if fewer < 10 {
		t.Fatalf("spread saved runs in only %d of 60 instances", fewer)
	}
	for _, bad := range []float64{-0.1, 1.5, math.NaN()} {
		if _, err := Search(context.Background(), nil, CostProfile{Seconds: map[Precision]float64{pF32: 1}}, SearchOptions{Steps: 2, TargetSpeedup: 1, Spread: bad}); err == nil {
			t.Errorf("Spread %v accepted", bad)
		}
	}
}

// TestSearchSmoothProfile: errors that fall off smoothly over the steps,
// grow down the ladder, with ±20% noise. Logs the runs behind the numbers
// in the search's documentation.
func TestSearchSmoothProfile(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	const steps = 20
	ladder := []Precision{pF32, pBF16, pInt8, pInt4}
	s := &synth{ladder: ladder, mode: "additive", prof: CostProfile{Seconds: map[Precision]float64{pF32: 1, pBF16: 0.55, pInt8: 0.3, pInt4: 0.18}}}
	scale := []float64{0, 0.0002, 0.002, 0.02}
	s.e = make([][]float64, 4)
	s.mse = make([][]float64, 4)
	for q := range s.e {
		s.e[q] = make([]float64, steps)
		s.mse[q] = make([]float64, steps)
		for i := range steps {
			x := float64(i) / steps
			s.e[q][i] = scale[q] * (math.Exp(-4*x) + 0.1) * (0.8 + 0.4*r.Float64())
		}
	}
	for _, target := range []float64{1.5, 2, 3, 5} {
		var exact SearchResult
		prevRuns := 0
		for _, spread := range []float64{0, 0.5, 1} {
			opt := SearchOptions{Steps: steps, Ladder: ladder, TargetSpeedup: target, Spread: spread}
			res, err := Search(context.Background(), s, s.prof, opt)
			if err != nil {
				t.Fatal(err)
			}
			checkCommon(t, res, s, opt)
			if spread == 0 {
				exact = res
			}
			t.Logf("target %.1f× spread %.1f: %3d runs %v, error/optimum %.4f, %s", target, spread, res.Runs, res.RunsPerLevel, res.PredictedError/math.Max(exact.PredictedError, 1e-300), res.Schedule)
			switch spread {
			case 0:
				if !res.Certified {
					t.Fatal("exact search not certified")
				}
			case 0.5:
				if math.Abs(res.PredictedError-exact.PredictedError) > 1e-12 {
					t.Fatalf("spread 0.5: error %v, optimum %v", res.PredictedError, exact.PredictedError)
				}
			case 1:
				if res.PredictedError > exact.PredictedError*1.01 {
					t.Fatalf("spread 1: error %v, optimum %v", res.PredictedError, exact.PredictedError)
				}
			}
			if spread > 0 && res.Runs > prevRuns {
				t.Fatalf("spread %v: %d runs, more than %d", spread, res.Runs, prevRuns)
			}
			prevRuns = res.Runs
		}
	}
}

func TestSearchReferenceOnly(t *testing.T) {
	prof := CostProfile{Seconds: map[Precision]float64{pF32: 1}}
	n := 0
	ev := EvaluatorFunc(func(_ context.Context, s Schedule) (Quality, error) {
		n++
		return Quality{SSIM: 1, PSNR: math.Inf(1), Seconds: float64(len(s))}, nil
	})
	res, err := Search(context.Background(), ev, prof, SearchOptions{Steps: 5, TargetSpeedup: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Schedule.String() != "f32:5" || !res.Certified || res.Runs != 1 || n != 1 || res.MeasuredSpeedup != 1 {
		t.Fatalf("%+v, %d calls", res, n)
	}
}
