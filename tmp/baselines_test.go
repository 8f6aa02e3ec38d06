package tmp

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

func TestBaselinesSpeed(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	ctx := context.Background()
	for inst := 0; inst < 20; inst++ {
		ladder := []Precision{pF32, pInt8}
		if inst%2 == 1 {
			ladder = []Precision{pF32, pBF16, pInt4}
		}
		steps := 3 + r.IntN(6)
		s := newSynth(r, ladder, steps)
		opt := SearchOptions{Steps: steps, Ladder: ladder,
			TargetSpeedup: 1 + r.Float64()*(s.prof.Seconds[ladder[0]]/s.prof.Seconds[ladder[len(ladder)-1]]-1)}
		cache := NewCache(s)
		res, err := Search(ctx, cache, s.prof, opt)
		if err != nil {
			t.Fatal(err)
		}
		pts, err := Baselines(ctx, cache, s.prof, BaselineOptions{SearchOptions: opt, RandomRuns: res.Runs, Seed: uint64(inst)})
		if err != nil {
			t.Fatal(err)
		}
		methods := map[string]int{}
		for _, p := range pts {
			methods[p.Method]++
			if p.Method != "uniform" && !p.MeetsTarget {
				t.Fatalf("%s misses the target: %s", p.Name, p.Schedule)
			}
			if p.MeetsTarget != (s.prof.PredictedSpeedup(p.Schedule, ladder[0]) >= opt.TargetSpeedup*(1-1e-9)) {
				t.Fatalf("%s: MeetsTarget %v wrong", p.Name, p.MeetsTarget)
			}
			// The search is optimal under additivity, so nothing beats it.
			if p.MeetsTarget && p.Quality.SSIM > res.Quality.SSIM+1e-12 {
				t.Fatalf("%s (%s, SSIM %v) beats the search (%s, SSIM %v)", p.Name, p.Schedule, p.Quality.SSIM, res.Schedule, res.Quality.SSIM)
			}
			if p.Method == "random" && p.Runs > res.Runs {
				t.Fatalf("random used %d runs, search %d", p.Runs, res.Runs)
			}
			if p.Method == "exhaustive" {
				if len(ladder) != 2 {
					t.Fatalf("exhaustive with %d precisions", len(ladder))
				}
				want, _, _ := s.exhaustive(MetricSSIM, float64(steps)/opt.TargetSpeedup, 0)
				if math.Abs(p.Quality.Error(MetricSSIM)-want) > 1e-12 || math.Abs(res.Quality.Error(MetricSSIM)-want) > 1e-12 {
					t.Fatalf("exhaustive %v, search %v, want %v", p.Quality.Error(MetricSSIM), res.Quality.Error(MetricSSIM), want)
				}
			}
		}
		if methods["uniform"] != len(ladder) || methods["random"] != 1 || methods["high-first"] == 0 || methods["high-first"] != methods["high-last"] {
			t.Fatalf("methods %v", methods)
		}
		if (len(ladder) == 2) != (methods["exhaustive"] == 1) {
			t.Fatalf("methods %v", methods)
		}
		if _, err := json.Marshal(append(pts, res.Point())); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBaselinesQuality(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	ctx := context.Background()
	ladder := []Precision{pF32, pInt8}
	steps := 8
	s := newSynth(r, ladder, steps)
	var tot float64
	for _, v := range s.e[1] {
		tot += v
	}
	opt := SearchOptions{Steps: steps, Ladder: ladder, MinSSIM: 1 - tot/3}
	pts, err := Baselines(ctx, s, s.prof, BaselineOptions{SearchOptions: opt, RandomRuns: 10})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Search(ctx, s, s.prof, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pts {
		if p.Method == "uniform" {
			continue
		}
		if p.Method != "random" && !p.MeetsTarget {
			t.Fatalf("%s misses the target", p.Name)
		}
		if p.MeetsTarget && p.PredictedSpeedup > res.PredictedSpeedup*(1+1e-12) {
			t.Fatalf("%s (%s) is faster than the search (%s)", p.Name, p.Schedule, res.Schedule)
		}
		if p.Method == "exhaustive" && math.Abs(p.PredictedSpeedup-res.PredictedSpeedup) > 1e-9 {
			t.Fatalf("exhaustive %v vs search %v", p.PredictedSpeedup, res.PredictedSpeedup)
		}
		if p.Method == "high-first" && p.Runs > 5 {
			t.Fatalf("bisection over k took %d runs", p.Runs)
		}
	}
}
