package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tmp"
	"github.com/pare-ml/pare/tmp/sampler"
)

func init() {
	register(&command{name: "sample", summary: "draw images from a diffusion transformer, a precision per step", run: runSample})
}

const sampleAbout = `Draws images from a class-conditional DiT with classifier-free guidance and
writes them to a PNG (a grid with --grid).

--model is tiny-dit (the built-in 32×32 digit model) or a folder with
config.json and model.safetensors (DiT parameter names).

--label is a class name or number, or a comma-separated list: one label for
every image, one per grid row, or one per image.

--precision runs every step at one precision (f32, bf16, f16, int8, int4)
or follows a schedule of runs NAME:COUNT whose counts add up to --steps,
noisiest step first: f32:4,int8:12,f32:4. One run may have the count * to
fill the steps the others leave (f32:2,int8:*); a JSON list of names
(["f32","int8",...], as pare tmp search writes) works too.

Image i of the grid uses the random stream (seed, i), so it is the same
whatever the grid size. Values map from [-1, 1] to 8 bits as
round((x+1)·127.5), clamped.`

func runSample(ctx context.Context, args []string) error {
	fs := newFlags("sample", "pare sample --label L --out FILE.png [--model tiny-dit|DIR] [--steps N] [--seed S] [--sampler euler|ddim|ddpm] [--cfg W] [--grid RxC] [--precision SPEC]", sampleAbout)
	model := fs.String("model", "tiny-dit", "tiny-dit or a folder with config.json and model.safetensors")
	label := fs.String("label", "", "class name or number, or a comma-separated list (required)")
	steps := fs.Int("steps", 20, "denoising steps (model evaluations)")
	seed := fs.Uint64("seed", 1, "random seed of the noise")
	kind := fs.String("sampler", "", "euler, ddim or ddpm (default: euler for rectified-flow models, ddim for epsilon models)")
	cfg := fs.Float64("cfg", 2, "classifier-free guidance scale (1: none)")
	shift := fs.Float64("shift", 0, "time shift of the Euler grid as SD3 (3); 0: none")
	grid := fs.String("grid", "1x1", "rows x columns of images")
	precision := fs.String("precision", "f32", "precision of every step, or a schedule such as f32:4,int8:12,f32:4")
	keep := fs.Bool("keep-first-last", false, "run the patch embedding and the final layer in f32 whatever the precision")
	scale := fs.Int("scale", 1, "enlarge the PNG this many times (nearest neighbour)")
	out := fs.String("out", "", "PNG file to write (required; must not exist unless --force)")
	force := fs.Bool("force", false, "replace an existing --out file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("sample: unexpected argument %q (see pare sample --help)", fs.Arg(0))
	}
	switch {
	case *out == "":
		return usagef("sample: --out FILE.png is required")
	case *label == "":
		return usagef("sample: --label is required")
	case *steps <= 0:
		return usagef("sample: --steps must be positive, have %d", *steps)
	case !(*cfg >= 0) || math.IsInf(*cfg, 0):
		return usagef("sample: --cfg must be a number >= 0, have %v", *cfg)
	case !(*shift >= 0) || math.IsInf(*shift, 0):
		return usagef("sample: --shift must be a number >= 0, have %v", *shift)
	case *scale < 1 || *scale > 64:
		return usagef("sample: --scale must be 1..64, have %d", *scale)
	}
	if *kind != "" && !contains(sampler.Samplers, *kind) {
		return usagef("sample: unknown --sampler %q (have %s)", *kind, strings.Join(sampler.Samplers, ", "))
	}
	rows, cols, err := parseGrid(*grid)
	if err != nil {
		return err
	}
	sched, err := tmp.ParseSchedule(*precision, *steps)
	if err != nil {
		return usagef("sample: --precision: %v", err)
	}
	// Fail on an existing or unwritable output before spending time on
	// sampling.
	if err := checkOutFile("sample", "--out", *out, *force); err != nil {
		return err
	}

	m, err := loadTMPModel("sample", *model)
	if err != nil {
		return err
	}
	labels, err := parseLabels(&m.Config, *label, rows, cols)
	if err != nil {
		return err
	}
	if side := m.Config.InputSize * *scale; side*max(rows, cols) > maxPNGSide {
		return usagef("sample: a %dx%d grid of %d-pixel images at --scale %d is over %d pixels wide", rows, cols, m.Config.InputSize, *scale, maxPNGSide)
	}
	for _, l := range m.Linears() {
		for _, p := range sched.Precisions() {
			if l.Supports(p) { // others fall back to int8 (see tensor.Linear.Forward)
				if err := l.Prepare(p); err != nil {
					return err
				}
			}
		}
	}

	bar := newProgress("sampling", *steps)
	hook := sched.Hook(*keep)
	start := time.Now()
	x, err := sampler.Sample(ctx, sampler.DiT(m), sampler.Options{
		Sampler: *kind, Steps: *steps, CFG: *cfg, Labels: labels, Seed: *seed, Shift: *shift,
		Hook: func(step, total int, t float64) sampler.StepConfig {
			c := hook(step, total, t)
			bar.Set(step, fmt.Sprintf("t=%.3f %v", t, c.Precision))
			return c
		},
	})
	if err == nil {
		bar.Set(*steps, "")
		bar.Done("")
	}
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	c, side := m.Config.InChannels, m.Config.InputSize
	imgs, err := sampler.Images(x, len(labels), c, side, side)
	if err != nil {
		return err
	}
	img, err := sampler.Grid(imgs, rows, cols)
	if err != nil {
		return err
	}
	if err := sampler.WritePNG(*out, sampler.Upscale(img, *scale)); err != nil {
		return err
	}
	name := *kind
	if name == "" {
		name = "euler"
		if m.Config.Objective == "epsilon" {
			name = "ddim"
		}
	}
	fmt.Fprintf(os.Stderr, "pare: wrote %s: %d image(s) of %d×%d, %d %s steps, cfg %g, seed %d, %v in %.2fs\n",
		*out, len(labels), side, side, *steps, name, *cfg, *seed, sched, elapsed.Seconds())
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// maxPNGSide bounds the width and height of the PNG sample writes.
const maxPNGSide = 16384

// parseGrid reads "RxC".
func parseGrid(s string) (rows, cols int, err error) {
	r, c, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	rows, err1 := strconv.Atoi(r)
	cols, err2 := strconv.Atoi(c)
	if !ok || err1 != nil || err2 != nil || rows < 1 || cols < 1 || rows*cols > 1024 {
		return 0, 0, usagef("sample: --grid %q is not ROWSxCOLS (e.g. 4x4, at most 1024 images)", s)
	}
	return rows, cols, nil
}

// parseLabels reads --label: one label for every image, one per row, or
// one per image.
func parseLabels(cfg *dit.Config, s string, rows, cols int) ([]int, error) {
	var ls []int
	for _, f := range strings.Split(s, ",") {
		l, err := cfg.Label(strings.TrimSpace(f))
		if err != nil {
			return nil, usagef("sample: --label: %v", err)
		}
		ls = append(ls, l)
	}
	n := rows * cols
	out := make([]int, n)
	for i := range out {
		switch len(ls) {
		case 1:
			out[i] = ls[0]
		case rows:
			out[i] = ls[i/cols]
		case n:
			out[i] = ls[i]
		default:
			return nil, usagef("sample: --label has %d labels for a %dx%d grid (want 1, %d or %d)", len(ls), rows, cols, rows, n)
		}
	}
	return out, nil
}
