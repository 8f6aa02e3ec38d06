package tmp

import (
	"context"
	"fmt"
	"image"
	"math"
	"math/rand/v2"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp/sampler"
)

// DiTEvalOptions configure a DiTEvaluator: the fixed images every schedule
// is judged on, and how they are sampled.
type DiTEvalOptions struct {
	Labels []int    // classes drawn for every seed (at least one)
	Seeds  []uint64 // noise seeds (at least one)
	Steps  int      // denoising steps T

	Sampler       string  // sampler.Euler, DDIM or DDPM; "" picks the model's default
	CFG           float64 // classifier-free guidance scale (0 and 1: none)
	Shift         float64 // time shift of the Euler grid (0: none)
	KeepFirstLast bool    // patch embedding and final layer in f32 at every step

	// Reference is the precision of the reference images (the zero value:
	// f32).
	Reference Precision
	// Prepare lists the precisions whose weight encodings are built before
	// anything is timed (default: all of Precisions).
	Prepare []Precision
	// Clock times the sampling runs (Quality.Seconds): seconds from a
	// fixed origin, such as the process's CPU time; nil is the wall-clock.
	Clock func() float64
}

// DiTEvaluator samples a fixed set of images from a DiT with a schedule
// and compares them with the same images sampled at the reference
// precision. Image k of the batch has seed Seeds[k/L] and label
// Labels[k%L] (L labels), and its initial noise is the stream (seed,
// k%L): with the Euler and DDIM samplers, row s of the images is what
// `pare sample --seed Seeds[s] --label Labels... --grid 1xL` draws (DDPM's
// per-step noise comes from the streams (Seeds[0], k) instead). All images
// run in one batch per step.
//
// Quality compares 8-bit images (sampler.ToImage, then FromImage): SSIM
// and MSE are means over the images, PSNR is that of the mean MSE (+Inf
// when every image is identical), Seconds the time of the sampling
// call alone (by Options.Clock).
type DiTEvaluator struct {
	m     *dit.Model
	opt   DiTEvalOptions
	base  sampler.Options // Labels, Noise, sampler, steps, CFG, shift
	ref   []Pixels
	refIm []image.Image
	refQ  Quality // the reference run's own timing
}

// NewDiTEvaluator checks the options, builds the weight encodings of
// every precision to be used, and renders the reference images.
func NewDiTEvaluator(ctx context.Context, m *dit.Model, opt DiTEvalOptions) (*DiTEvaluator, error) {
	if m == nil {
		return nil, fmt.Errorf("dit evaluator: no model")
	}
	if len(opt.Labels) == 0 || len(opt.Seeds) == 0 {
		return nil, fmt.Errorf("dit evaluator: %d labels and %d seeds; want at least one of each", len(opt.Labels), len(opt.Seeds))
	}
	if opt.Steps < 1 {
		return nil, fmt.Errorf("dit evaluator: %d steps", opt.Steps)
	}
	if _, err := ParsePrecision(precName(opt.Reference)); err != nil {
		return nil, fmt.Errorf("dit evaluator: reference: %w", err)
	}
	cfg := &m.Config
	if s := cfg.InputSize; s < 2*ssimRadius+1 {
		return nil, fmt.Errorf("dit evaluator: images of %d×%d are too small for SSIM (at least %d×%d)", s, s, 2*ssimRadius+1, 2*ssimRadius+1)
	}
	if c := cfg.InChannels; c != 1 && c != 3 {
		return nil, fmt.Errorf("dit evaluator: the model draws %d channels; SSIM needs images of 1 or 3", c)
	}
	prep := opt.Prepare
	if prep == nil {
		prep = Precisions
	}
	if err := PrepareDiT(m, append([]Precision{opt.Reference}, prep...)); err != nil {
		return nil, fmt.Errorf("dit evaluator: %w", err)
	}
	L := len(opt.Labels)
	per := cfg.InChannels * cfg.InputSize * cfg.InputSize
	n := len(opt.Seeds) * L
	labels := make([]int, 0, n)
	noise := make([]float32, 0, n*per)
	for _, seed := range opt.Seeds {
		labels = append(labels, opt.Labels...)
		noise = append(noise, sampler.Noise(seed, L, per)...)
	}
	e := &DiTEvaluator{m: m, opt: opt, base: sampler.Options{
		Sampler: opt.Sampler, Steps: opt.Steps, CFG: opt.CFG, Shift: opt.Shift, Labels: labels, Noise: noise,
		Seed: opt.Seeds[0],
	}}
	// One untimed model call per precision at the batch the runs use: the
	// kernels lay out their weight panels on first use and the scratch
	// pools fill, which would otherwise land in the first timed run of
	// each precision.
	rows := n
	if opt.CFG != 0 && opt.CFG != 1 { // guided: the null-class copies too
		rows *= 2
	}
	step, err := DiTStep(m, rows, opt.KeepFirstLast)
	if err != nil {
		return nil, fmt.Errorf("dit evaluator: %w", err)
	}
	for _, p := range append([]Precision{opt.Reference}, prep...) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := step(p); err != nil {
			return nil, fmt.Errorf("dit evaluator: warm-up at %v: %w", p, err)
		}
	}
	imgs, secs, err := e.sample(ctx, Uniform(opt.Reference, opt.Steps))
	if err != nil {
		return nil, fmt.Errorf("dit evaluator: reference run: %w", err)
	}
	e.refIm = imgs
	e.ref = make([]Pixels, len(imgs))
	for i, img := range imgs {
		e.ref[i] = FromImage(img)
	}
	e.refQ = Quality{SSIM: 1, PSNR: math.Inf(1), Seconds: secs}
	return e, nil
}

// PrepareDiT builds the encodings of ps in every Linear of m that can run
// them (the others run int8 instead, see tensor.Linear.Forward, so int8 is
// built for them), so that no timed call pays for an encoding.
func PrepareDiT(m *dit.Model, ps []Precision) error {
	for _, l := range m.Linears() {
		for _, p := range ps {
			if !l.Supports(p) {
				p = tensor.PrecInt8
			}
			if err := l.Prepare(p); err != nil {
				return fmt.Errorf("%s: %w", l.Name, err)
			}
		}
	}
	return nil
}

// Options returns the evaluator's options.
func (e *DiTEvaluator) Options() DiTEvalOptions { return e.opt }

// Len is the number of images per run: seeds × labels.
func (e *DiTEvaluator) Len() int { return len(e.ref) }

// ReferenceImages returns the reference images in batch order (seed-major).
func (e *DiTEvaluator) ReferenceImages() []image.Image {
	return append([]image.Image(nil), e.refIm...)
}

// ReferenceQuality is the reference run measured against itself, with the
// wall-clock of the run that made the reference images.
func (e *DiTEvaluator) ReferenceQuality() Quality { return e.refQ }

// sample runs the sampler with s and converts the batch to 8-bit images.
func (e *DiTEvaluator) sample(ctx context.Context, s Schedule) ([]image.Image, float64, error) {
	if len(s) != e.opt.Steps {
		return nil, 0, fmt.Errorf("schedule has %d steps, the evaluator samples %d", len(s), e.opt.Steps)
	}
	for i, p := range s {
		if _, err := ParsePrecision(precName(p)); err != nil {
			return nil, 0, fmt.Errorf("step %d: %w", i, err)
		}
	}
	o := e.base
	o.Hook = s.Hook(e.opt.KeepFirstLast)
	clock := e.opt.Clock
	if clock == nil {
		clock = wallClock
	}
	start := clock()
	x, err := sampler.Sample(ctx, sampler.DiT(e.m), o)
	secs := clock() - start
	if err != nil {
		return nil, 0, err
	}
	c, side := e.m.Config.InChannels, e.m.Config.InputSize
	imgs, err := sampler.Images(x, len(o.Labels), c, side, side)
	if err != nil {
		return nil, 0, err
	}
	return imgs, secs, nil
}

// Images samples the evaluator's seeds × labels with schedule s and
// returns them in batch order (seed-major), for grids.
func (e *DiTEvaluator) Images(ctx context.Context, s Schedule) ([]image.Image, error) {
	imgs, _, err := e.sample(ctx, s)
	return imgs, err
}

// Evaluate samples with s and measures the images against the reference.
func (e *DiTEvaluator) Evaluate(ctx context.Context, s Schedule) (Quality, error) {
	imgs, secs, err := e.sample(ctx, s)
	if err != nil {
		return Quality{}, err
	}
	q, err := e.Compare(imgs)
	q.Seconds = secs
	return q, err
}

// Compare measures images (in batch order) against the reference images;
// Seconds is left 0.
func (e *DiTEvaluator) Compare(imgs []image.Image) (Quality, error) {
	if len(imgs) != len(e.ref) {
		return Quality{}, fmt.Errorf("%d images, the reference has %d", len(imgs), len(e.ref))
	}
	var ssim, mse float64
	for i, img := range imgs {
		px := FromImage(img)
		v, err := SSIM(e.ref[i], px)
		if err != nil {
			return Quality{}, fmt.Errorf("image %d: %w", i, err)
		}
		m, err := MSE(e.ref[i], px)
		if err != nil {
			return Quality{}, fmt.Errorf("image %d: %w", i, err)
		}
		ssim += v
		mse += m
	}
	n := float64(len(imgs))
	q := Quality{SSIM: ssim / n, MSE: mse / n, PSNR: math.Inf(1)}
	if q.MSE > 0 {
		q.PSNR = 10 * math.Log10(255*255/q.MSE)
	}
	return q, nil
}

// DiTStep returns a function that runs one denoising step of m at a
// precision: one forward call over batch rows (an evaluator with CFG runs
// 2·seeds·labels rows per step) of fixed random inputs, for Measure. The
// precisions' encodings should be built before timing (PrepareDiT).
func DiTStep(m *dit.Model, batch int, keepFirstLast bool) (func(p Precision) error, error) {
	if batch < 1 {
		return nil, fmt.Errorf("dit step: batch %d", batch)
	}
	cfg := &m.Config
	per := cfg.InChannels * cfg.InputSize * cfg.InputSize
	r := rand.New(rand.NewPCG(1, 2))
	x := sampler.Noise(7, batch, per)
	t := make([]float32, batch)
	y := make([]int, batch)
	scale := cfg.TimestepScale
	if scale == 0 {
		scale = 1000
	}
	for i := range t {
		t[i] = float32(r.Float64() * scale)
		y[i] = r.IntN(cfg.NumClasses + 1)
	}
	return func(p Precision) error {
		_, err := m.Forward(x, batch, t, y, dit.Options{Precision: p, KeepFirstLast: keepFirstLast})
		return err
	}, nil
}
