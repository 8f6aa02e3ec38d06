package tmp

import (
	"context"
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/pare-ml/pare/tensor"
)

// synth is a synthetic evaluator: per-step, per-precision errors that add
// up over the steps (1 − SSIM and MSE alike), optionally with an
// interaction term, or made non-additive. Seconds is the schedule's cost
// by the profile.
type synth struct {
	ladder []Precision
	prof   CostProfile
	e      [][]float64 // [level][step] 1 − SSIM of lowering one step; level 0 all zero
	mse    [][]float64 // [level][step] MSE of lowering one step
	noise  float64     // relative interaction noise, a fixed function of the schedule
	mode   string      // "additive", "sqrt" (e = √Σ), "max" (e = max)
	calls  int
}

func (s *synth) level(p Precision) int { return ladderIndex(s.ladder, p) }

func (s *synth) Evaluate(ctx context.Context, sch Schedule) (Quality, error) {
	s.calls++
	var e, m float64
	for t, p := range sch {
		q := s.level(p)
		switch s.mode {
		case "max":
			e = math.Max(e, s.e[q][t])
			m = math.Max(m, s.mse[q][t])
		default:
			e += s.e[q][t]
			m += s.mse[q][t]
		}
	}
	if s.mode == "sqrt" {
		e, m = math.Sqrt(e)/4, math.Sqrt(m)
	}
	if s.noise > 0 && e > 0 {
		h := fnv.New64a()
		h.Write([]byte(sch.String()))
		u := float64(h.Sum64()%1000001)/1000000*2 - 1
		e *= 1 + s.noise*u
		m *= 1 + s.noise*u
	}
	c, err := s.prof.Cost(sch)
	if err != nil {
		return Quality{}, err
	}
	psnr := math.Inf(1)
	if m > 0 {
		psnr = 10 * math.Log10(255*255/m)
	}
	return Quality{SSIM: 1 - e, PSNR: psnr, MSE: m, Seconds: c}, nil
}

// newSynth draws a random instance: costs falling along the ladder, errors
// per step with a random temporal shape, larger for lower precisions.
// Some instances get exact zeros and ties.
func newSynth(r *rand.Rand, ladder []Precision, steps int) *synth {
	s := &synth{ladder: ladder, mode: "additive", prof: CostProfile{Seconds: map[Precision]float64{}}}
	c := 1.0
	for _, p := range ladder {
		s.prof.Seconds[p] = c
		c *= 0.3 + 0.6*r.Float64()
	}
	s.e = make([][]float64, len(ladder))
	s.mse = make([][]float64, len(ladder))
	s.e[0] = make([]float64, steps)
	s.mse[0] = make([]float64, steps)
	shape := r.IntN(3)
	zeros := r.IntN(4) == 0
	for q := 1; q < len(ladder); q++ {
		s.e[q] = make([]float64, steps)
		s.mse[q] = make([]float64, steps)
		scale := 0.002 * float64(q) * (0.5 + r.Float64())
		for t := range s.e[q] {
			w := 1.0
			switch shape {
			case 1: // early steps matter most
				w = math.Exp(-3 * float64(t) / float64(steps))
			case 2: // late steps matter most
				w = math.Exp(-3 * float64(steps-1-t) / float64(steps))
			}
			v := scale * w * r.ExpFloat64()
			if zeros && r.IntN(3) == 0 {
				v = 0
			}
			if zeros && t > 0 && r.IntN(4) == 0 {
				v = s.e[q][t-1] // a tie
			}
			s.e[q][t] = v
			s.mse[q][t] = 1000 * v * (0.5 + r.Float64())
		}
	}
	return s
}

// exhaustive is the optimum over all schedules by the additive model:
// least error within a cost budget (maxCost > 0) or least cost within an
// error budget. It returns the error and the cost.
func (s *synth) exhaustive(metric Metric, maxCost, maxErr float64) (bestErr, bestCost float64, found bool) {
	T := len(s.e[0])
	L := len(s.ladder)
	idx := make([]int, T)
	tab := s.e
	if metric == MetricMSE {
		tab = s.mse
	}
	bestErr, bestCost = math.Inf(1), math.Inf(1)
	for {
		var e, c float64
		for t, q := range idx {
			e += tab[q][t]
			c += s.prof.Seconds[s.ladder[q]]
		}
		if maxCost > 0 {
			if c <= maxCost*(1+1e-9) && (e < bestErr || (e == bestErr && c < bestCost)) {
				bestErr, bestCost, found = e, c, true
			}
		} else if e <= maxErr*(1+1e-9)+1e-15 && (c < bestCost || (c == bestCost && e < bestErr)) {
			bestErr, bestCost, found = e, c, true
		}
		t := 0
		for t < T {
			idx[t]++
			if idx[t] < L {
				break
			}
			idx[t] = 0
			t++
		}
		if t == T {
			return
		}
	}
}

// The precisions the tests use.
const (
	pF32  = tensor.PrecF32
	pBF16 = tensor.PrecBF16
	pF16  = tensor.PrecF16
	pInt8 = tensor.PrecInt8
	pInt4 = tensor.PrecInt4
)
