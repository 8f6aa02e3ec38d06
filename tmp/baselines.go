package tmp

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// Point is one schedule of a comparison: a baseline or the search's result.
type Point struct {
	Method           string   `json:"method"` // uniform, high-first, high-last, random, exhaustive, search
	Name             string   `json:"name"`   // what a person reads in a table or legend
	Schedule         Schedule `json:"schedule"`
	PredictedSpeedup float64  `json:"predicted_speedup"` // vs Ladder[0], by the cost profile
	MeasuredSpeedup  float64  `json:"measured_speedup"`  // wall-clock of the uniform Ladder[0] run / this run
	Quality          Quality  `json:"quality"`
	Runs             int      `json:"runs"`         // sampler runs the method needs (cached or not)
	MeetsTarget      bool     `json:"meets_target"` // speed target: by the profile; quality target: measured
}

// Point summarises the search's result for a comparison with baselines.
func (r SearchResult) Point() Point {
	return Point{Method: "search", Name: "search", Schedule: r.Schedule, PredictedSpeedup: r.PredictedSpeedup,
		MeasuredSpeedup: r.MeasuredSpeedup, Quality: r.Quality, Runs: r.Runs, MeetsTarget: r.MeetsTarget}
}

// BaselineOptions configure Baselines: the same steps, ladder and target
// as the search (its Progress, MaxRunsPerLevel and Gap are not used), plus
// the random search's size.
type BaselineOptions struct {
	SearchOptions
	RandomRuns         int    // random schedules to measure; give the search's Runs for a fair match (default 2·Steps)
	Seed               uint64 // of the random search
	ExhaustiveMaxSteps int    // exhaustive optimum when Steps ≤ this and two precisions are in play (default 10; < 0: never)
}

// Baselines measures the schedules the search is compared with:
//   - uniform: every step at one precision, for each ladder entry;
//   - high-first: the first k steps at the reference, the rest at a lower
//     precision q, for each q that can meet the target, with k the most
//     reference steps that still meet it (speed target, by the profile) or
//     the fewest that keep the quality (quality target, bisection over k,
//     assuming quality grows with k);
//   - high-last: the same with the reference steps last;
//   - random: RandomRuns random schedules, each meeting the speed target by
//     the profile (for a quality target: of random cost), the best kept;
//   - exhaustive: for T ≤ ExhaustiveMaxSteps and a ladder of the reference
//     and one lower precision, all 2^T schedules (those meeting the speed
//     target), the best kept.
//
// Every point is measured by a real run (through a cache: schedules
// already measured are not run again, but count in the point's Runs).
func Baselines(ctx context.Context, ev Evaluator, prof CostProfile, opt BaselineOptions) ([]Point, error) {
	ladder, err := resolveLadder(opt.Ladder, prof)
	if err != nil {
		return nil, fmt.Errorf("baselines: %w", err)
	}
	tg, err := resolveTarget(opt.SearchOptions, ladder, prof)
	if err != nil {
		return nil, fmt.Errorf("baselines: %w", err)
	}
	T := opt.Steps
	cache := NewCache(ev)
	ref, err := cache.Evaluate(ctx, Uniform(ladder[0], T))
	if err != nil {
		return nil, fmt.Errorf("baselines: reference run: %w", err)
	}
	cost := func(s Schedule) float64 { c, _ := prof.Cost(s); return c }
	meets := func(s Schedule, q Quality) bool {
		if tg.speed {
			return cost(s) <= tg.budget*(1+1e-9)
		}
		return q.Error(tg.metric) <= tg.maxErr
	}
	point := func(method, name string, s Schedule, q Quality, runs int) Point {
		p := Point{Method: method, Name: name, Schedule: s, PredictedSpeedup: prof.PredictedSpeedup(s, ladder[0]),
			Quality: q, Runs: runs, MeetsTarget: meets(s, q)}
		if q.Seconds > 0 {
			p.MeasuredSpeedup = ref.Seconds / q.Seconds
		}
		return p
	}
	progress := func(method string) {
		if opt.Progress != nil {
			opt.Progress(SearchProgress{Runs: cache.Runs(), Phase: method})
		}
	}
	var points []Point

	// Uniform precisions.
	for _, p := range ladder {
		s := Uniform(p, T)
		q, err := cache.Evaluate(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("baselines: %w", err)
		}
		points = append(points, point("uniform", "uniform "+precName(p), s, q, 1))
		progress("uniform")
	}

	// The levels worth lowering to: cheaper than the reference.
	var lower []int
	for q := 1; q < len(ladder); q++ {
		if prof.Seconds[ladder[q]] < prof.Seconds[ladder[0]] {
			lower = append(lower, q)
		}
	}

	// Temporal heuristics.
	for _, first := range []bool{true, false} {
		method, order := "high-first", "first"
		if !first {
			method, order = "high-last", "last"
		}
		for _, q := range lower {
			build := func(k int) Schedule {
				s := Uniform(ladder[q], T)
				for i := 0; i < k; i++ {
					if first {
						s[i] = ladder[0]
					} else {
						s[T-1-i] = ladder[0]
					}
				}
				return s
			}
			tl := newTally(cache)
			var k int
			if tg.speed {
				k = -1
				for kk := T; kk >= 0; kk-- {
					if cost(build(kk)) <= tg.budget*(1+1e-9) {
						k = kk
						break
					}
				}
				if k < 0 {
					continue // q cannot meet the target
				}
			} else {
				// Fewest reference steps with the quality: bisection over
				// k in [0, T]; k = T (the reference) always qualifies.
				lo, hi := -1, T
				for hi-lo > 1 {
					mid := (lo + hi) / 2
					qm, err := tl.eval(ctx, build(mid))
					if err != nil {
						return nil, fmt.Errorf("baselines: %w", err)
					}
					if qm.Error(tg.metric) <= tg.maxErr {
						hi = mid
					} else {
						lo = mid
					}
				}
				k = hi
			}
			s := build(k)
			qs, err := tl.eval(ctx, s)
			if err != nil {
				return nil, fmt.Errorf("baselines: %w", err)
			}
			name := fmt.Sprintf("%s ×%d %s, rest %s", precName(ladder[0]), k, order, precName(ladder[q]))
			points = append(points, point(method, name, s, qs, tl.runs()))
			progress(method)
		}
	}

	// Random search.
	levels := append([]int{0}, lower...)
	cheapest := levels[0]
	for _, q := range levels {
		if prof.Seconds[ladder[q]] < prof.Seconds[ladder[cheapest]] {
			cheapest = q
		}
	}
	minCost := float64(T) * prof.Seconds[ladder[cheapest]]
	maxCost := float64(T) * prof.Seconds[ladder[0]]
	if !tg.speed || minCost <= tg.budget*(1+1e-9) {
		n := opt.RandomRuns
		if n <= 0 {
			n = 2 * T
		}
		rng := rand.New(rand.NewPCG(opt.Seed, 0x7a3d))
		tl := newTally(cache)
		var best Point
		have := false
		for i := 0; i < n; i++ {
			budget := tg.budget
			if !tg.speed {
				budget = minCost + rng.Float64()*(maxCost-minCost)
			}
			s := randomSchedule(rng, ladder, levels, cheapest, prof, T, budget)
			q, err := tl.eval(ctx, s)
			if err != nil {
				return nil, fmt.Errorf("baselines: %w", err)
			}
			p := point("random", "random", s, q, 0)
			if !have || better(tg, p, best) {
				best, have = p, true
			}
			progress("random")
		}
		best.Runs = tl.runs()
		best.Name = fmt.Sprintf("random (best of %d)", best.Runs)
		points = append(points, best)
	}

	// Exhaustive optimum over two precisions.
	maxT := opt.ExhaustiveMaxSteps
	if maxT == 0 {
		maxT = 10
	}
	if len(levels) == 2 && T <= maxT && T <= 20 {
		tl := newTally(cache)
		var best Point
		have := false
		for mask := 0; mask < 1<<T; mask++ {
			s := Uniform(ladder[0], T)
			for t := 0; t < T; t++ {
				if mask&(1<<t) != 0 {
					s[t] = ladder[levels[1]]
				}
			}
			if tg.speed && cost(s) > tg.budget*(1+1e-9) {
				continue
			}
			q, err := tl.eval(ctx, s)
			if err != nil {
				return nil, fmt.Errorf("baselines: %w", err)
			}
			p := point("exhaustive", "exhaustive", s, q, 0)
			if !have || better(tg, p, best) {
				best, have = p, true
			}
		}
		if have {
			best.Runs = tl.runs()
			best.Name = fmt.Sprintf("exhaustive (%d runs)", best.Runs)
			points = append(points, best)
			progress("exhaustive")
		}
	}
	return points, nil
}

// better reports whether a beats b: for a speed target, less error (ties:
// more speed); for a quality target, meeting it before not, then more
// speed (ties: less error), or less error when neither meets it.
func better(tg target, a, b Point) bool {
	ea, eb := a.Quality.Error(tg.metric), b.Quality.Error(tg.metric)
	if tg.speed {
		if ea != eb {
			return ea < eb
		}
		return a.PredictedSpeedup > b.PredictedSpeedup
	}
	if a.MeetsTarget != b.MeetsTarget {
		return a.MeetsTarget
	}
	if !a.MeetsTarget {
		return ea < eb
	}
	if a.PredictedSpeedup != b.PredictedSpeedup {
		return a.PredictedSpeedup > b.PredictedSpeedup
	}
	return ea < eb
}

// randomSchedule draws a schedule of cost ≤ budget over the given levels:
// every step starts at the cheapest level; in a random order each step
// takes a random level that still fits the budget; then, in another random
// order, each step rises to the most expensive level that fits, so the
// budget is used up.
func randomSchedule(rng *rand.Rand, ladder []Precision, levels []int, cheapest int, prof CostProfile, T int, budget float64) Schedule {
	lv := make([]int, T)
	c := func(q int) float64 { return prof.Seconds[ladder[q]] }
	total := 0.0
	for t := range lv {
		lv[t] = cheapest
		total += c(cheapest)
	}
	fits := func(t, q int) bool { return total-c(lv[t])+c(q) <= budget*(1+1e-9) }
	var ok []int
	for _, t := range rng.Perm(T) {
		ok = ok[:0]
		for _, q := range levels {
			if fits(t, q) {
				ok = append(ok, q)
			}
		}
		if len(ok) > 0 {
			q := ok[rng.IntN(len(ok))]
			total += c(q) - c(lv[t])
			lv[t] = q
		}
	}
	for _, t := range rng.Perm(T) {
		best := lv[t]
		for _, q := range levels {
			if c(q) > c(best) && fits(t, q) {
				best = q
			}
		}
		total += c(best) - c(lv[t])
		lv[t] = best
	}
	s := make(Schedule, T)
	for t, q := range lv {
		s[t] = ladder[q]
	}
	return s
}
