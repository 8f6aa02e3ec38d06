package sampler

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tensor"
)

// Denoiser is a class-conditional diffusion model a sampler can call.
// Forward has the contract of dit.Model.Forward: x [n, C, H, W] at model
// timesteps t [n] (already multiplied by the timestep scale) with labels y
// [n], where Spec().NumClasses is the null class; it returns [n, OutChannels,
// H, W] computed at the numerics opt names.
type Denoiser interface {
	Spec() Spec
	Forward(x []float32, n int, t []float32, y []int, opt dit.Options) ([]float32, error)
}

// Spec is what a sampler needs to know about a Denoiser.
type Spec struct {
	Channels    int // C
	Size        int // H = W
	OutChannels int // C, or 2C for a model that also predicts the variance (only the first C are used)
	NumClasses  int // labels 0..NumClasses−1; NumClasses itself is the null class
	// Objective is what the model predicts: "rectified_flow" (v = ε − x0
	// for x_t = (1−t)·x0 + t·ε, t in [0,1]) or "epsilon" (ε for the VP
	// x_t = sqrt(ᾱ_t)·x0 + sqrt(1−ᾱ_t)·ε, t a DDPM step 0..999).
	Objective string
	// TimestepScale maps the sampler's time to the model's: a rectified-flow
	// model gets t·scale, an epsilon model gets step·scale/1000. 0 means
	// 1000 (so an epsilon model gets the DDPM step index itself).
	TimestepScale float64
}

func (s Spec) scale() float64 {
	if s.TimestepScale == 0 {
		return 1000
	}
	return s.TimestepScale
}

// DiT adapts a dit.Model to a Denoiser.
func DiT(m *dit.Model) Denoiser { return ditDenoiser{m} }

type ditDenoiser struct{ m *dit.Model }

func (d ditDenoiser) Spec() Spec {
	c := &d.m.Config
	return Spec{Channels: c.InChannels, Size: c.InputSize, OutChannels: c.OutChannels(),
		NumClasses: c.NumClasses, Objective: c.Objective, TimestepScale: c.TimestepScale}
}

func (d ditDenoiser) Forward(x []float32, n int, t []float32, y []int, opt dit.Options) ([]float32, error) {
	return d.m.Forward(x, n, t, y, opt)
}

// The samplers (Options.Sampler).
const (
	Euler = "euler" // rectified-flow Euler, t from 1 to 0 (FLUX, SD3)
	DDIM  = "ddim"  // DDIM with eta 0 on the linear VP schedule
	DDPM  = "ddpm"  // DDPM ancestral sampling on the linear VP schedule
)

// Samplers lists the sampler names.
var Samplers = []string{Euler, DDIM, DDPM}

// SD3Shift is the time shift of Stable Diffusion 3 at 1024² (Options.Shift).
const SD3Shift = 3.0

// Options configure one sampling run.
type Options struct {
	// Sampler is Euler, DDIM or DDPM; "" picks Euler for a rectified-flow
	// model and DDIM for an epsilon model.
	Sampler string
	// Steps is the number of model evaluations (each over the conditional
	// and the null-class batch together when CFG ≠ 1); at most 1000 for
	// DDIM and DDPM.
	Steps int
	// CFG is the classifier-free guidance scale w: out = uncond +
	// w·(cond − uncond). 0 and 1 mean no guidance (only the conditional
	// batch runs).
	CFG float64
	// Labels holds one class per image; NumClasses (the null class) asks
	// for an unconditional image.
	Labels []int
	// Seed picks the noise (see Noise).
	Seed uint64
	// Noise, if set, is the initial x [n, C, H, W] instead of the seeded
	// noise. DDPM still draws its per-step noise from the seed.
	Noise []float32
	// Shift warps the Euler time grid as SD3 does: t ← s·t/(1 + (s−1)·t),
	// which spends more steps at high noise. 0 or 1: no shift.
	Shift float64
	// Hook, if set, is called before every step and chooses its numerics;
	// nil runs every step in f32.
	Hook StepHook
}

// StepHook is called before each model evaluation with the step index
// (0-based), the number of steps and the noise level of the step on the
// rectified-flow scale, t in (0, 1] (1 is pure noise; for DDIM and DDPM it
// is σ/(α+σ), see vp.go). It returns the numerics of that step: this is
// how temporal mixed precision picks a precision per step, and how a
// caller draws progress.
type StepHook func(step, total int, t float64) StepConfig

// StepConfig is the numerics of one step.
type StepConfig struct {
	Precision tensor.Precision // of every Linear of the model
	// KeepFirstLast runs the patch embedding and the final layer in f32.
	KeepFirstLast bool
}

// Sample draws one image per label and returns them as [n, C, H, W],
// nominally in [−1, 1] but not clamped (ToImage clamps). The result is a
// function of the options only: the same seed gives the same bits, for any
// GOMAXPROCS (see Noise for the random stream). It stops with ctx.Err()
// between steps when ctx is cancelled.
func Sample(ctx context.Context, d Denoiser, opt Options) ([]float32, error) {
	spec := d.Spec()
	kind, err := check(spec, &opt)
	if err != nil {
		return nil, err
	}
	n := len(opt.Labels)
	per := spec.Channels * spec.Size * spec.Size
	x := make([]float32, n*per)
	streams := make([]*rand.Rand, n)
	for i := range streams {
		streams[i] = Stream(opt.Seed, i)
	}
	if opt.Noise != nil {
		copy(x, opt.Noise)
	} else {
		for i, r := range streams {
			fillNormal(x[i*per:(i+1)*per], r)
		}
	}
	g := &guide{d: d, spec: spec, opt: &opt, n: n, per: per}
	switch kind {
	case Euler:
		err = euler(ctx, g, x)
	case DDIM, DDPM:
		err = vp(ctx, g, x, kind == DDPM, streams)
	}
	if err != nil {
		return nil, err
	}
	return x, nil
}

// check validates the options against the model and returns the sampler.
func check(spec Spec, opt *Options) (string, error) {
	if spec.Channels <= 0 || spec.Size <= 0 || spec.NumClasses <= 0 {
		return "", fmt.Errorf("sampler: model has %d channels, size %d, %d classes", spec.Channels, spec.Size, spec.NumClasses)
	}
	if spec.OutChannels != spec.Channels && spec.OutChannels != 2*spec.Channels {
		return "", fmt.Errorf("sampler: model predicts %d channels for %d input channels", spec.OutChannels, spec.Channels)
	}
	kind := opt.Sampler
	switch spec.Objective {
	case "rectified_flow":
		if kind == "" {
			kind = Euler
		}
	case "epsilon":
		if kind == "" {
			kind = DDIM
		}
		if kind == Euler {
			return "", fmt.Errorf("sampler: euler needs a rectified_flow model; this one predicts epsilon (use ddim or ddpm)")
		}
	default:
		return "", fmt.Errorf("sampler: unknown objective %q (have rectified_flow, epsilon)", spec.Objective)
	}
	switch kind {
	case Euler, DDIM, DDPM:
	default:
		return "", fmt.Errorf("sampler: unknown sampler %q (have %s)", opt.Sampler, strings.Join(Samplers, ", "))
	}
	if opt.Steps <= 0 {
		return "", fmt.Errorf("sampler: steps must be positive, have %d", opt.Steps)
	}
	if kind != Euler && opt.Steps > trainSteps {
		return "", fmt.Errorf("sampler: %s takes at most %d steps, have %d", kind, trainSteps, opt.Steps)
	}
	if math.IsNaN(opt.CFG) || math.IsInf(opt.CFG, 0) || opt.CFG < 0 {
		return "", fmt.Errorf("sampler: cfg must be a finite number >= 0, have %v", opt.CFG)
	}
	if math.IsNaN(opt.Shift) || math.IsInf(opt.Shift, 0) || opt.Shift < 0 {
		return "", fmt.Errorf("sampler: shift must be a finite number >= 0, have %v", opt.Shift)
	}
	if len(opt.Labels) == 0 {
		return "", fmt.Errorf("sampler: no labels (one per image)")
	}
	for i, l := range opt.Labels {
		if l < 0 || l > spec.NumClasses {
			return "", fmt.Errorf("sampler: label %d of image %d outside 0..%d (%d is the null class)", l, i, spec.NumClasses, spec.NumClasses)
		}
	}
	if want := len(opt.Labels) * spec.Channels * spec.Size * spec.Size; opt.Noise != nil && len(opt.Noise) != want {
		return "", fmt.Errorf("sampler: noise has %d values, %d images of %d×%d×%d need %d",
			len(opt.Noise), len(opt.Labels), spec.Channels, spec.Size, spec.Size, want)
	}
	return kind, nil
}

// guide evaluates the model with classifier-free guidance.
type guide struct {
	d      Denoiser
	spec   Spec
	opt    *Options
	n, per int
	xx     []float32 // [2n, C, H, W]: the batch twice
	tt     []float32
	yy     []int
}

// config calls the hook for a step.
func (g *guide) config(step int, t float64) StepConfig {
	if g.opt.Hook == nil {
		return StepConfig{}
	}
	return g.opt.Hook(step, g.opt.Steps, t)
}

// predict returns the guided prediction [n, C, H, W] at model time tm.
// With guidance, the conditional and the null-class batch run in one
// forward call as [cond; uncond] and mix as uncond + w·(cond − uncond).
func (g *guide) predict(x []float32, tm float32, step int, sc StepConfig) ([]float32, error) {
	n, per := g.n, g.per
	w := float32(g.opt.CFG)
	guided := g.opt.CFG != 0 && g.opt.CFG != 1
	rows := n
	if guided {
		rows = 2 * n
	}
	if g.xx == nil {
		g.xx = make([]float32, rows*per)
		g.tt = make([]float32, rows)
		g.yy = make([]int, rows)
		copy(g.yy, g.opt.Labels)
		for i := n; i < rows; i++ {
			g.yy[i] = g.spec.NumClasses
		}
	}
	copy(g.xx, x)
	if guided {
		copy(g.xx[n*per:], x)
	}
	for i := range g.tt {
		g.tt[i] = tm
	}
	out, err := g.d.Forward(g.xx, rows, g.tt, g.yy, dit.Options{Precision: sc.Precision, KeepFirstLast: sc.KeepFirstLast})
	if err != nil {
		return nil, fmt.Errorf("sampler: step %d: %w", step, err)
	}
	oc := g.spec.OutChannels
	if len(out) != rows*oc*g.spec.Size*g.spec.Size {
		return nil, fmt.Errorf("sampler: step %d: model returned %d values for %d rows", step, len(out), rows)
	}
	if oc != g.spec.Channels { // drop the predicted variance
		for i := 0; i < rows; i++ {
			copy(out[i*per:(i+1)*per], out[i*2*per:i*2*per+per])
		}
		out = out[:rows*per]
	}
	if !guided {
		return out, nil
	}
	cond, uncond := out[:n*per], out[n*per:]
	for i := range cond {
		cond[i] = uncond[i] + float32(w*float32(cond[i]-uncond[i]))
	}
	return cond, nil
}

// finite reports an error if x holds a NaN or an infinity after a step.
func finite(x []float32, step int) error {
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("sampler: step %d produced a non-finite value at index %d", step, i)
		}
	}
	return nil
}
