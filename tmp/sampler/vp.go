package sampler

import (
	"context"
	"math"
	"math/rand/v2"
)

// DDIM and DDPM run on the variance-preserving (VP) process of DDPM:
//
//	x_i = α_i·x0 + σ_i·ε,  α_i = sqrt(ᾱ_i), σ_i = sqrt(1 − ᾱ_i),
//	ᾱ_i = Π_{j≤i} (1 − β_j),  β linear from 1e-4 to 0.02 over 1000 steps.
//
// An "epsilon" model predicts ε at step i directly. A rectified-flow model
// predicts v = ε − x0 on x_t = (1−t)·x0 + t·ε instead; the two processes
// differ only by a scale per noise level. Dividing the VP state by (α+σ):
//
//	x_i/(α+σ) = α/(α+σ)·x0 + σ/(α+σ)·ε = (1−t)·x0 + t·ε
//
// with t = σ/(α+σ), so the VP state at step i is the rectified-flow state
// x_t = x_i/(α+σ) at time t. The model's v there gives both predictions
// (substitute x_t and v = ε − x0):
//
//	ε̂  = x_t + (1−t)·v    since (1−t)·x0 + t·ε + (1−t)·(ε − x0) = ε
//	x̂0 = x_t − t·v        since (1−t)·x0 + t·ε − t·(ε − x0)     = x0
//
// and both are the same in either process, so the VP updates use them
// unchanged. (DDIM with eta 0 on these predictions is the same ODE step
// as rectified-flow Euler between the corresponding times.)

// trainSteps is the length of the DDPM schedule.
const trainSteps = 1000

// alphaBar is ᾱ_i of the linear schedule (β_i as numpy.linspace(1e-4,
// 0.02, 1000) in float64), computed once.
var alphaBar = func() []float64 {
	ab := make([]float64, trainSteps)
	const lo, hi = 1e-4, 0.02
	step := (hi - lo) / (trainSteps - 1)
	p := 1.0
	for i := range ab {
		beta := lo + float64(i)*step
		if i == trainSteps-1 {
			beta = hi
		}
		p *= 1 - beta
		ab[i] = p
	}
	return ab
}()

// VPSteps returns the DDPM steps DDIM and DDPM visit, highest first, with
// "trailing" spacing (Lin et al. 2024; diffusers' timestep_spacing
// "trailing"): round(1000 − k·1000/steps) − 1 for k = 0..steps−1, so the
// first step is always 999 (the noisiest) and the last jumps to the data.
func VPSteps(steps int) []int {
	ts := make([]int, steps)
	ratio := float64(trainSteps) / float64(steps)
	for k := range ts {
		ts[k] = int(math.RoundToEven(trainSteps-float64(k)*ratio)) - 1
	}
	return ts
}

// FlowTime is the rectified-flow time of DDPM step i: σ/(α+σ).
func FlowTime(i int) float64 {
	a, s := math.Sqrt(alphaBar[i]), math.Sqrt(1-alphaBar[i])
	return s / (a + s)
}

// vp runs DDIM (eta 0) or, with ancestral set, DDPM from step 999 to the
// data. x starts as the initial noise, which is x_999 (ᾱ_999 ≈ 4e-5).
//
// DDIM:  x_prev = sqrt(ᾱ_prev)·x̂0 + sqrt(1−ᾱ_prev)·ε̂
// DDPM:  with β = 1 − ᾱ_i/ᾱ_prev (the respaced step),
//
//	x_prev = sqrt(ᾱ_prev)·β/(1−ᾱ_i)·x̂0 + sqrt(1−β)·(1−ᾱ_prev)/(1−ᾱ_i)·x_i + sqrt(β̃)·z,
//	β̃ = β·(1−ᾱ_prev)/(1−ᾱ_i) (the posterior variance), z ~ N(0, I) from the
//	image's stream; the last step goes to ᾱ_prev = 1, where β̃ = 0 and no
//	noise is drawn.
func vp(ctx context.Context, g *guide, x []float32, ancestral bool, streams []*rand.Rand) error {
	steps := VPSteps(g.opt.Steps)
	scale := g.spec.scale()
	rf := g.spec.Objective == "rectified_flow"
	xin := make([]float32, len(x))
	eps := make([]float32, len(x))
	x0 := make([]float32, len(x))
	for k, i := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		abPrev := 1.0
		if k+1 < len(steps) {
			abPrev = alphaBar[steps[k+1]]
		}
		ab := alphaBar[i]
		a, s := math.Sqrt(ab), math.Sqrt(1-ab)
		t := s / (a + s)
		sc := g.config(k, t)

		if rf {
			t32 := float32(t)
			inv := float32(1 / (a + s))
			for j, v := range x {
				xin[j] = v * inv
			}
			v, err := g.predict(xin, float32(float64(t32)*scale), k, sc)
			if err != nil {
				return err
			}
			for j := range x {
				eps[j] = xin[j] + float32((1-t32)*v[j])
				x0[j] = xin[j] - float32(t32*v[j])
			}
		} else {
			e, err := g.predict(x, float32(float64(i)*scale/trainSteps), k, sc)
			if err != nil {
				return err
			}
			a32, s32 := float32(a), float32(s)
			for j := range x {
				eps[j] = e[j]
				x0[j] = (x[j] - float32(s32*e[j])) / a32
			}
		}

		if !ancestral {
			c0, ce := float32(math.Sqrt(abPrev)), float32(math.Sqrt(1-abPrev))
			for j := range x {
				x[j] = float32(c0*x0[j]) + float32(ce*eps[j])
			}
		} else {
			beta := 1 - ab/abPrev
			c0 := float32(math.Sqrt(abPrev) * beta / (1 - ab))
			cx := float32(math.Sqrt(1-beta) * (1 - abPrev) / (1 - ab))
			sd := float32(math.Sqrt(beta * (1 - abPrev) / (1 - ab)))
			for j := range x {
				x[j] = float32(c0*x0[j]) + float32(cx*x[j])
			}
			if sd > 0 {
				for im, r := range streams {
					row := x[im*g.per : (im+1)*g.per]
					for j := range row {
						row[j] += float32(sd * float32(r.NormFloat64()))
					}
				}
			}
		}
		if err := finite(x, k); err != nil {
			return err
		}
	}
	return nil
}
