package tmp

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// The additivity experiment: is the error of lowering a set of steps the
// sum of the errors of lowering each step alone?

// AdditivityOptions configure Additivity.
type AdditivityOptions struct {
	Steps    int
	Ladder   []Precision // Ladder[0] is the reference, the others are lowered
	Sets     int         // random step sets per lower precision (default 2·Steps)
	Seed     uint64
	Progress func(done, total int) // after every sampler run; may be nil
}

// SingleStep is the reference schedule with one step lowered.
type SingleStep struct {
	Precision Precision `json:"precision"`
	Step      int       `json:"step"`
	Quality   Quality   `json:"quality"`
}

// SetPoint is the reference schedule with a set of steps lowered: what it
// measured, and the sums of the single-step errors that additivity
// predicts.
type SetPoint struct {
	Precision          Precision `json:"precision"`
	Steps              []int     `json:"steps"`
	Measured           Quality   `json:"measured"`
	PredictedSSIMError float64   `json:"predicted_ssim_error"` // Σ_t (1 − SSIM({t}))
	PredictedMSE       float64   `json:"predicted_mse"`        // Σ_t MSE({t})
}

// Predicted is the additive prediction of the set's error under m.
func (p SetPoint) Predicted(m Metric) float64 {
	if m == MetricMSE {
		return p.PredictedMSE
	}
	return p.PredictedSSIMError
}

// Fit compares measured with predicted errors over some set points.
// Values that are undefined (no variance) are NaN, null in JSON.
type Fit struct {
	Scope   string  `json:"scope"` // a precision name, or "all"
	Metric  Metric  `json:"metric"`
	N       int     `json:"n"`
	Pearson float64 `json:"pearson"` // correlation of measured and predicted
	R2      float64 `json:"r2"`      // 1 − SS_res/SS_tot of measured = predicted
	Slope   float64 `json:"slope"`   // least squares measured ≈ slope·predicted
}

// MarshalJSON writes undefined statistics as null.
func (f Fit) MarshalJSON() ([]byte, error) {
	num := func(v float64) *float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return &v
	}
	return json.Marshal(struct {
		Scope   string   `json:"scope"`
		Metric  Metric   `json:"metric"`
		N       int      `json:"n"`
		Pearson *float64 `json:"pearson"`
		R2      *float64 `json:"r2"`
		Slope   *float64 `json:"slope"`
	}{f.Scope, f.Metric, f.N, num(f.Pearson), num(f.R2), num(f.Slope)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (f *Fit) UnmarshalJSON(data []byte) error {
	var j struct {
		Scope   string   `json:"scope"`
		Metric  Metric   `json:"metric"`
		N       int      `json:"n"`
		Pearson *float64 `json:"pearson"`
		R2      *float64 `json:"r2"`
		Slope   *float64 `json:"slope"`
	}
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	val := func(p *float64) float64 {
		if p == nil {
			return math.NaN()
		}
		return *p
	}
	*f = Fit{Scope: j.Scope, Metric: j.Metric, N: j.N, Pearson: val(j.Pearson), R2: val(j.R2), Slope: val(j.Slope)}
	return nil
}

// AdditivityResult holds every measurement and the fits, per lower
// precision and over all ("all"), for 1 − SSIM and for MSE.
type AdditivityResult struct {
	Ladder  []Precision  `json:"ladder"`
	Steps   int          `json:"steps"`
	Singles []SingleStep `json:"singles"`
	Sets    []SetPoint   `json:"sets"`
	Fits    []Fit        `json:"fits"`
	Runs    int          `json:"runs"` // distinct sampler runs
}

// Additivity measures e({t}) for every step t and every lower precision
// (T·(len(Ladder)−1) runs), then for each lower precision Sets random sets
// of steps with sizes spread evenly from 2 to T, and compares e(S) with
// Σ_{t∈S} e({t}) for e = 1 − SSIM and e = MSE: Pearson correlation, R² of
// the identity (prediction = sum) and the slope of a least-squares line
// through the origin (1 for exact additivity, < 1 when errors partly
// cancel, > 1 when they compound).
func Additivity(ctx context.Context, ev Evaluator, opt AdditivityOptions) (AdditivityResult, error) {
	if err := checkLadder(opt.Ladder); err != nil {
		return AdditivityResult{}, fmt.Errorf("additivity: %w", err)
	}
	if len(opt.Ladder) < 2 {
		return AdditivityResult{}, fmt.Errorf("additivity: the ladder needs a precision below the reference")
	}
	T := opt.Steps
	if T < 1 {
		return AdditivityResult{}, fmt.Errorf("additivity: %d steps", T)
	}
	nsets := opt.Sets
	if nsets == 0 {
		nsets = 2 * T
	}
	if T < 2 || nsets < 0 {
		nsets = 0
	}
	lower := opt.Ladder[1:]
	total := len(lower) * (T + nsets)
	done := 0
	tl := newTally(ev)
	eval := func(s Schedule) (Quality, error) {
		q, err := tl.eval(ctx, s)
		if err != nil {
			return q, fmt.Errorf("additivity: %w", err)
		}
		done++
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
		return q, nil
	}
	res := AdditivityResult{Ladder: opt.Ladder, Steps: T}
	ref := opt.Ladder[0]
	single := make(map[Precision][]Quality, len(lower))
	for _, p := range lower {
		single[p] = make([]Quality, T)
		for t := 0; t < T; t++ {
			q, err := eval(lowered(opt.Ladder, T, t, t+1, p))
			if err != nil {
				return res, err
			}
			single[p][t] = q
			res.Singles = append(res.Singles, SingleStep{Precision: p, Step: t, Quality: q})
		}
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0xadd))
	for _, p := range lower {
		for i := 0; i < nsets; i++ {
			size := 2
			if nsets > 1 {
				size = 2 + int(math.Round(float64(i)*float64(T-2)/float64(nsets-1)))
			}
			steps := rng.Perm(T)[:size]
			sort.Ints(steps)
			s := Uniform(ref, T)
			sp := SetPoint{Precision: p, Steps: steps}
			for _, t := range steps {
				s[t] = p
				sp.PredictedSSIMError += single[p][t].Error(MetricSSIM)
				sp.PredictedMSE += single[p][t].Error(MetricMSE)
			}
			q, err := eval(s)
			if err != nil {
				return res, err
			}
			sp.Measured = q
			res.Sets = append(res.Sets, sp)
		}
	}
	for _, m := range []Metric{MetricSSIM, MetricMSE} {
		for _, p := range lower {
			res.Fits = append(res.Fits, fitSets(res.Sets, precName(p), m, func(sp SetPoint) bool { return sp.Precision == p }))
		}
		if len(lower) > 1 {
			res.Fits = append(res.Fits, fitSets(res.Sets, "all", m, func(SetPoint) bool { return true }))
		}
	}
	res.Runs = tl.runs()
	return res, nil
}

func fitSets(sets []SetPoint, scope string, m Metric, keep func(SetPoint) bool) Fit {
	var pred, meas []float64
	for _, sp := range sets {
		if keep(sp) {
			pred = append(pred, sp.Predicted(m))
			meas = append(meas, sp.Measured.Error(m))
		}
	}
	f := Fit{Scope: scope, Metric: m, N: len(pred)}
	f.Pearson, f.R2, f.Slope = fitStats(pred, meas)
	return f
}

// fitStats returns the Pearson correlation of x and y, the R² of the
// identity y = x, and the least-squares slope of y ≈ b·x; NaN where
// undefined.
func fitStats(x, y []float64) (pearson, r2, slope float64) {
	n := float64(len(x))
	if len(x) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	var sxx, syy, sxy, res, xx, xy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxx += dx * dx
		syy += dy * dy
		sxy += dx * dy
		res += (y[i] - x[i]) * (y[i] - x[i])
		xx += x[i] * x[i]
		xy += x[i] * y[i]
	}
	pearson, r2, slope = math.NaN(), math.NaN(), math.NaN()
	if sxx > 0 && syy > 0 {
		pearson = sxy / math.Sqrt(sxx*syy)
	}
	if syy > 0 {
		r2 = 1 - res/syy
	}
	if xx > 0 {
		slope = xy / xx
	}
	return pearson, r2, slope
}
