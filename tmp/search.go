package tmp

// The schedule search.
//
// Problem. A schedule S gives each of the T denoising steps a precision from
// a ladder p0 > p1 > ... (p0, the reference, is what quality is measured
// against). Its error e(S) is 1 − SSIM (or the MSE) of its images against
// the reference images; its cost is Σ_t c(S_t), c from the machine's cost
// profile. The search finds the schedule of least error that meets a speed
// target (cost ≤ T·c(vs)/speed-up), or the cheapest one whose error stays
// within a quality target (SSIM ≥ MinSSIM, or MSE ≤ MaxMSE), in a number of
// sampler runs linear in T (at most 2T−1 per lower precision).
//
// Model. Quantisation error adds up over steps (TMPDiff's finding, which
// Additivity measures): e(S) ≈ Σ_t e_t(S_t), e_t(p0) = 0, e_t(p) ≥ 0. For a
// set I of steps and a level p, e_p(I) = e(p0 everywhere, p on I) is then
// Σ_{t∈I} e_t(p), and one sampler run measures it.
//
// Measuring. Per lower level p the search keeps a binary interval tree over
// the steps (root [0,T), children the two halves). It measures the root of
// every level cheaper than the reference (the uniform schedule; levels not
// cheaper are never used), then refines by bisection: splitting a measured
// interval measures both halves (two runs). The frontier of level p —
// measured intervals whose halves are not measured — is all it knows about
// p: each frontier interval F has a known sum e_p(F) of unknown
// non-negative per-step errors.
//
// Choosing (no runs). Tree dynamic programs over these intervals merge
// Pareto fronts of (cost, error) bottom-up, an exact multiple-choice
// knapsack (costs depend on the precision only, errors on step and
// precision):
//   - strict: only schedules whose additive error is known: the steps at
//     each level p form a union of measured intervals of level p. Its best
//     schedule meeting the target is the search's candidate, with predicted
//     error V (speed target) or cost V (quality target).
//   - optimistic: a frontier interval F of level p run wholly at p costs
//     e_p(F); run partly at p, j of its |F| steps, it costs ρ·j·e_p(F)/|F|,
//     ρ = Spread. With ρ = 0 (the default) that is 0 — all of F's error could
//     sit on the steps not at p — and the optimum of this program is a lower
//     bound L on the optimum over all per-step schedules, under additivity
//     with non-negative errors. With ρ > 0 it bounds the optimum under the
//     further assumption that no step of an interval carries less than ρ
//     times the interval's mean error; ρ = 1 treats errors as spread evenly.
//
// Refining lazily. If the optimistic optimum runs no frontier interval
// partly, it is itself a strict schedule with the same value, so
// V ≤ L ≤ optimum ≤ V: the candidate is optimal. Otherwise the search
// splits, of the intervals that optimum runs partly, the one with the
// largest measured error, and solves again. So it splits only where the
// target needs finer knowledge: stretches of low error stay whole,
// stretches of mixed error get cut down to the steps that must stay at
// high precision. With ρ = 0 certainty has a price: any interval of
// positive error might hide a step of zero error, so every step the
// optimum keeps above a level ends up measured alone at that level. ρ > 0
// trusts interval means instead and needs far fewer runs. On smooth
// synthetic error profiles (4 precisions, T = 20, targets 1.5–5×) the
// exact search took 37–105 runs, Spread 0.5 took 23–53 and found the same
// optimum, Spread 1 took 9–25 and came within 0.5% of it
// (TestSearchSmoothProfile).
//
// This takes the place of a bisection over a Lagrange multiplier λ (each
// interval taking the level minimising e + λ·cost): like λ it needs no
// runs, but the knapsack also reaches optima off the convex hull that no
// λ gives.
//
// Guarantees.
//   - Runs per level ≤ MaxRunsPerLevel: an interval whose split would pass
//     the budget is frozen (never split; the optimistic program then treats
//     it strictly). The full tree of a level takes 2T−1 runs, within the
//     default budget 2T, so by default nothing freezes.
//   - The schedule meets the speed target by the cost profile; a target no
//     schedule can meet (the cheapest uniform precision is too slow) is
//     reported as Feasible = false with the reason, before any run. A
//     quality target is met by the additive prediction (the reference
//     always meets it); the final run reports whether it was met in fact.
//   - With additive non-negative errors, Spread 0, Gap 0 and no frozen
//     interval, the schedule is optimal over all per-step schedules of the
//     ladder, and Certified says so: V equals the bound L (LowerBound,
//     always computed with ρ = 0). With Spread ρ > 0 it is optimal when
//     the instance satisfies the ρ assumption. Gap > 0 stops refining once
//     V − L ≤ Gap·V, so V ≤ optimum/(1 − Gap). Without additivity the
//     search still returns the best schedule by its additive estimate from
//     the measured intervals, and the final run says what it really does.
//
// Finally one real run of the schedule gives its SSIM, PSNR, MSE and
// wall-clock, and a run of the uniform reference gives the wall-clock the
// measured speed-up is taken against.

import (
	"context"
	"fmt"
	"math"
)

// SearchOptions configure Search. Exactly one of TargetSpeedup, MinSSIM and
// MaxMSE is set.
type SearchOptions struct {
	Steps  int         // denoising steps T
	Ladder []Precision // highest first; Ladder[0] is the reference. Default: the profile's precisions in Precisions order

	TargetSpeedup float64   // least predicted speed-up over SpeedupVs
	SpeedupVs     Precision // what TargetSpeedup is relative to (default, the zero value: f32, or Ladder[0] if the profile has no f32)
	MinSSIM       float64   // least mean SSIM against the reference images
	MaxMSE        float64   // largest mean MSE against the reference images

	Metric          Metric  // error minimised under a speed target: MetricSSIM (default) or MetricMSE
	MaxRunsPerLevel int     // sampler runs per lower precision (default 2·Steps)
	Gap             float64 // stop refining once the candidate is provably within this fraction of the optimum (0: exact)
	Spread          float64 // in [0, 1]: assume no step carries less than this share of its interval's mean error (0: assume nothing, exact; 0.5: a good trade); see the top of search.go

	Progress func(SearchProgress) // called after every sampler run; may be nil
}

// SearchProgress reports one measurement of the search.
type SearchProgress struct {
	Runs       int       // sampler runs so far (cached ones not counted)
	MaxRuns    int       // the most the search may use
	Phase      string    // "measure", "final" or "reference"
	Level      Precision // precision of the measured interval
	Start, End int       // the interval [Start, End) of steps lowered to Level
	Error      float64   // its measured error
}

// Interval is one measurement of the search: the reference schedule with
// steps [Start, End) lowered to Precision.
type Interval struct {
	Precision Precision `json:"precision"`
	Start     int       `json:"start"`
	End       int       `json:"end"`
	Error     float64   `json:"error"`
	Quality   Quality   `json:"quality"`
}

// SearchResult is what Search found. Speed-ups are ratios of predicted
// (cost profile) or measured (wall-clock) run times.
type SearchResult struct {
	Ladder        []Precision `json:"ladder"`
	Metric        Metric      `json:"metric"`
	TargetSpeedup float64     `json:"target_speedup,omitempty"`
	SpeedupVs     Precision   `json:"speedup_vs,omitempty"`
	MinSSIM       float64     `json:"min_ssim,omitempty"`
	MaxMSE        float64     `json:"max_mse,omitempty"`

	Feasible bool   `json:"feasible"`         // false: no schedule can meet the target
	Reason   string `json:"reason,omitempty"` // why not, or what limited the search

	Schedule             Schedule `json:"schedule"`
	PredictedSpeedup     float64  `json:"predicted_speedup"`                // vs Ladder[0]
	PredictedSpeedupBF16 float64  `json:"predicted_speedup_bf16,omitempty"` // vs bf16, when the profile has it
	PredictedError       float64  `json:"predicted_error"`                  // additive estimate from the measured intervals
	LowerBound           float64  `json:"lower_bound"`                      // no schedule beats this error (speed target) or cost in seconds (quality target), under additivity
	Certified            bool     `json:"certified"`                        // optimal under additivity: the bound is met

	Quality             Quality `json:"quality"`                         // the final run
	Reference           Quality `json:"reference"`                       // the uniform Ladder[0] run
	MeasuredSpeedup     float64 `json:"measured_speedup"`                // reference wall-clock / final wall-clock
	MeasuredSpeedupBF16 float64 `json:"measured_speedup_bf16,omitempty"` // vs the uniform bf16 run, when measured
	MeetsTarget         bool    `json:"meets_target"`                    // speed target: by the profile; quality target: by the final run

	Runs         int        `json:"runs"`           // distinct sampler runs of this search
	RunsPerLevel []int      `json:"runs_per_level"` // per Ladder entry (0 for the reference)
	Trace        []Interval `json:"trace"`          // the measured intervals in run order
}

// resolveLadder fills the ladder default and checks it against the profile.
func resolveLadder(ladder []Precision, prof CostProfile) ([]Precision, error) {
	if len(ladder) == 0 {
		for _, p := range Precisions {
			if _, ok := prof.Seconds[p]; ok {
				ladder = append(ladder, p)
			}
		}
	}
	if err := checkLadder(ladder); err != nil {
		return nil, err
	}
	if err := prof.Check(ladder); err != nil {
		return nil, err
	}
	return ladder, nil
}

// target is a resolved speed or quality target.
type target struct {
	metric  Metric
	speed   bool
	budget  float64 // speed: largest schedule cost (seconds per run)
	maxErr  float64 // quality: largest error
	vs      Precision
	speedup float64
}

func resolveTarget(opt SearchOptions, ladder []Precision, prof CostProfile) (target, error) {
	set := 0
	for _, v := range []float64{opt.TargetSpeedup, opt.MinSSIM, opt.MaxMSE} {
		if v != 0 {
			set++
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return target{}, fmt.Errorf("search: target %v is not a number", v)
		}
	}
	if set != 1 {
		return target{}, fmt.Errorf("search: set exactly one of TargetSpeedup, MinSSIM, MaxMSE (have %d)", set)
	}
	if opt.Steps < 1 {
		return target{}, fmt.Errorf("search: %d steps", opt.Steps)
	}
	switch {
	case opt.TargetSpeedup != 0:
		if opt.TargetSpeedup < 0 {
			return target{}, fmt.Errorf("search: target speed-up %v is negative", opt.TargetSpeedup)
		}
		m := opt.Metric
		if m == "" {
			m = MetricSSIM
		}
		if err := checkMetric(m); err != nil {
			return target{}, err
		}
		vs := opt.SpeedupVs
		if _, ok := prof.Seconds[vs]; !ok && vs == noPrecision {
			vs = ladder[0] // unset, and the profile has no f32
		}
		c, ok := prof.Seconds[vs]
		if !ok || !(c > 0) {
			return target{}, fmt.Errorf("search: cost profile has no %s to take the speed-up against", precName(vs))
		}
		return target{metric: m, speed: true, budget: float64(opt.Steps) * c / opt.TargetSpeedup, vs: vs, speedup: opt.TargetSpeedup}, nil
	case opt.MinSSIM != 0:
		if opt.MinSSIM > 1 || opt.MinSSIM < -1 {
			return target{}, fmt.Errorf("search: MinSSIM %v outside [-1, 1]", opt.MinSSIM)
		}
		if opt.Metric != "" && opt.Metric != MetricSSIM {
			return target{}, fmt.Errorf("search: MinSSIM needs the ssim metric, not %s", opt.Metric)
		}
		return target{metric: MetricSSIM, maxErr: 1 - opt.MinSSIM}, nil
	default:
		if opt.MaxMSE < 0 {
			return target{}, fmt.Errorf("search: MaxMSE %v is negative", opt.MaxMSE)
		}
		if opt.Metric != "" && opt.Metric != MetricMSE {
			return target{}, fmt.Errorf("search: MaxMSE needs the mse metric, not %s", opt.Metric)
		}
		return target{metric: MetricMSE, maxErr: opt.MaxMSE}, nil
	}
}

// withinGap reports whether the candidate is within gap (relative) of the
// optimistic bound.
func withinGap(tg target, cand, bound solution, gap float64) bool {
	if tg.speed {
		return cand.err-bound.err <= gap*cand.err
	}
	return cand.cost-bound.cost <= gap*cand.cost
}

func (tg target) knap() knapTarget {
	if tg.speed {
		return knapTarget{maxCost: tg.budget}
	}
	return knapTarget{maxErr: tg.maxErr}
}

// lowered is the reference schedule with steps [lo, hi) at p.
func lowered(ladder []Precision, steps, lo, hi int, p Precision) Schedule {
	s := Uniform(ladder[0], steps)
	for t := lo; t < hi; t++ {
		s[t] = p
	}
	return s
}

// Search finds a per-step precision schedule that meets the target with the
// least error (speed target) or the most speed (quality target), measuring
// schedules with ev; see the comment at the top of search.go for the
// method and its guarantees. An infeasible speed target is not an error:
// the result says Feasible = false and why.
func Search(ctx context.Context, ev Evaluator, prof CostProfile, opt SearchOptions) (SearchResult, error) {
	ladder, err := resolveLadder(opt.Ladder, prof)
	if err != nil {
		return SearchResult{}, fmt.Errorf("search: %w", err)
	}
	tg, err := resolveTarget(opt, ladder, prof)
	if err != nil {
		return SearchResult{}, err
	}
	T := opt.Steps
	budget := opt.MaxRunsPerLevel
	if budget == 0 {
		budget = 2 * T
	}
	if budget < 1 {
		return SearchResult{}, fmt.Errorf("search: MaxRunsPerLevel %d", opt.MaxRunsPerLevel)
	}
	if !(opt.Spread >= 0 && opt.Spread <= 1) {
		return SearchResult{}, fmt.Errorf("search: Spread %v outside [0, 1]", opt.Spread)
	}
	if !(opt.Gap >= 0 && opt.Gap < 1) {
		return SearchResult{}, fmt.Errorf("search: Gap %v outside [0, 1)", opt.Gap)
	}
	res := SearchResult{
		Ladder: ladder, Metric: tg.metric, MinSSIM: opt.MinSSIM, MaxMSE: opt.MaxMSE,
		RunsPerLevel: make([]int, len(ladder)),
	}
	if tg.speed {
		res.TargetSpeedup, res.SpeedupVs = tg.speedup, tg.vs
	}
	cost := make([]float64, len(ladder))
	active := make([]bool, len(ladder))
	cheapest := 0
	for q, p := range ladder {
		cost[q] = prof.Seconds[p]
		active[q] = q > 0 && cost[q] < cost[0]
		if cost[q] < cost[cheapest] {
			cheapest = q
		}
	}
	if tg.speed && float64(T)*cost[cheapest] > tg.budget*(1+1e-9) {
		res.Reason = fmt.Sprintf("the fastest uniform schedule (%s) is %.3g× faster than %s by the cost profile; the target is %.3g×",
			precName(ladder[cheapest]), prof.Seconds[tg.vs]/cost[cheapest], precName(tg.vs), tg.speedup)
		return res, nil
	}
	res.Feasible = true

	tl := newTally(ev)
	maxRuns := 2
	for q := range ladder {
		if active[q] {
			maxRuns += budget
		}
	}
	report := func(phase string, p Precision, lo, hi int, e float64) {
		if opt.Progress != nil {
			opt.Progress(SearchProgress{Runs: tl.runs(), MaxRuns: maxRuns, Phase: phase, Level: p, Start: lo, End: hi, Error: e})
		}
	}
	tree := newITree(T)
	k := newKnap(tree, cost, active)
	k.spread = opt.Spread
	measure := func(q, i int) error {
		lo, hi := tree.lo[i], tree.hi[i]
		qual, err := tl.eval(ctx, lowered(ladder, T, lo, hi, ladder[q]))
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		e := qual.Error(tg.metric)
		k.meas[q][i] = e
		res.RunsPerLevel[q]++
		res.Trace = append(res.Trace, Interval{Precision: ladder[q], Start: lo, End: hi, Error: e, Quality: qual})
		report("measure", ladder[q], lo, hi, e)
		return nil
	}
	for q := range ladder {
		if active[q] {
			if err := measure(q, 0); err != nil {
				return res, err
			}
		}
	}
	frozen := false
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		sol := k.solve(modeOptimistic, tg.knap())
		if !sol.ok {
			break
		}
		if opt.Gap > 0 {
			if cand := k.solve(modeStrict, tg.knap()); cand.ok && withinGap(tg, cand, sol, opt.Gap) {
				break
			}
		}
		qs, nodes := k.partial(sol.levels)
		if len(qs) == 0 {
			break
		}
		best := 0
		for j := range qs {
			ej, eb := k.meas[qs[j]][nodes[j]], k.meas[qs[best]][nodes[best]]
			if ej > eb || (ej == eb && tree.size(nodes[j]) > tree.size(nodes[best])) {
				best = j
			}
		}
		q, i := qs[best], nodes[best]
		if res.RunsPerLevel[q]+2 > budget {
			k.frozen[q][i] = true
			frozen = true
			continue
		}
		if err := measure(q, tree.left[i]); err != nil {
			return res, err
		}
		if err := measure(q, tree.right[i]); err != nil {
			return res, err
		}
	}
	sol := k.solve(modeStrict, tg.knap())
	if !sol.ok {
		// The uniform reference always meets a quality target and, the
		// target being feasible, some uniform schedule a speed target.
		return res, fmt.Errorf("search: no measured schedule meets the target (internal error)")
	}
	bound := k.solve(modeBound, tg.knap())
	res.Schedule = make(Schedule, T)
	for t, q := range sol.levels {
		res.Schedule[t] = ladder[q]
	}
	if tg.speed {
		res.PredictedError, res.LowerBound = sol.err, bound.err
		res.Certified = bound.ok && sol.err-bound.err <= 1e-12*math.Max(1, sol.err)
	} else {
		res.PredictedError, res.LowerBound = sol.err, bound.cost
		res.Certified = bound.ok && sol.cost-bound.cost <= 1e-12*sol.cost
	}
	switch {
	case res.Certified:
	case opt.Spread > 0:
		res.Reason = fmt.Sprintf("the refinement trusted interval means (Spread %g): the schedule is optimal if no step carries less than that share of its interval's mean error", opt.Spread)
	case opt.Gap > 0:
		res.Reason = fmt.Sprintf("the refinement stopped within a gap of %g of the optimum", opt.Gap)
	}
	if frozen {
		res.Reason = fmt.Sprintf("the run budget (%d per level) stopped the refinement; the schedule is the best the measured intervals show", budget)
	}
	res.PredictedSpeedup = prof.PredictedSpeedup(res.Schedule, ladder[0])
	if _, ok := prof.Seconds[precBF16]; ok {
		res.PredictedSpeedupBF16 = prof.PredictedSpeedup(res.Schedule, precBF16)
	}

	res.Quality, err = tl.eval(ctx, res.Schedule)
	if err != nil {
		return res, fmt.Errorf("search: final run: %w", err)
	}
	report("final", noPrecision, 0, T, res.Quality.Error(tg.metric))
	res.Reference, err = tl.eval(ctx, Uniform(ladder[0], T))
	if err != nil {
		return res, fmt.Errorf("search: reference run: %w", err)
	}
	report("reference", ladder[0], 0, 0, 0)
	if res.Quality.Seconds > 0 {
		res.MeasuredSpeedup = res.Reference.Seconds / res.Quality.Seconds
		if q, ok := tl.ev.Lookup(Uniform(precBF16, T)); ok {
			res.MeasuredSpeedupBF16 = q.Seconds / res.Quality.Seconds
		}
	}
	if tg.speed {
		res.MeetsTarget = prof.PredictedSpeedup(res.Schedule, tg.vs) >= tg.speedup*(1-1e-9)
	} else {
		res.MeetsTarget = res.Quality.Error(tg.metric) <= tg.maxErr
	}
	res.Runs = tl.runs()
	return res, nil
}
