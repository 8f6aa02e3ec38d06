package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/pare-ml/pare/model/dit"
	tinydit "github.com/pare-ml/pare/model/tiny/dit"
	"github.com/pare-ml/pare/tmp"
	"github.com/pare-ml/pare/tmp/sampler"
)

func init() {
	register(&command{name: "tmp", summary: "temporal mixed precision: cost profile, additivity, schedule search", run: runTMP})
}

const tmpAbout = `Temporal mixed precision (TMPDiff) for a diffusion transformer: every
denoising step runs at its own precision (f32, bf16, f16, int8, int4).
Sub-commands:

  profile     time one denoising step at each precision on this machine
  additivity  is the error of lowering a set of steps the sum of lowering
              each step alone?
  search      find a per-step schedule for a speed or quality target, and
              compare it with uniform, temporal and random baselines

Run pare tmp SUB-COMMAND --help for the flags of one.`

func runTMP(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs := newFlags("tmp", "pare tmp profile|additivity|search [flags]", tmpAbout)
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		return usagef("tmp: name a sub-command: profile, additivity or search (see pare tmp --help)")
	}
	switch args[0] {
	case "profile":
		return runTMPProfile(ctx, args[1:])
	case "additivity":
		return runTMPAdditivity(ctx, args[1:])
	case "search":
		return runTMPSearch(ctx, args[1:])
	}
	return usagef("tmp: unknown sub-command %q (have profile, additivity, search)", args[0])
}

// ditFlags are the flags that pick the model and the images every
// schedule is judged on.
type ditFlags struct {
	cmd        string
	model      *string
	steps      *int
	seeds      *string
	labels     *string
	sampler    *string
	cfg        *float64
	shift      *float64
	keep       *bool
	precisions *string
	clock      *string
}

func addDiTFlags(fs interface {
	String(name, value, usage string) *string
	Int(name string, value int, usage string) *int
	Float64(name string, value float64, usage string) *float64
	Bool(name string, value bool, usage string) *bool
}, cmd string, precisions string) *ditFlags {
	return &ditFlags{
		cmd:        cmd,
		model:      fs.String("model", "tiny-dit", "tiny-dit or a folder with config.json and model.safetensors"),
		steps:      fs.Int("steps", 20, "denoising steps T"),
		seeds:      fs.String("seeds", "0,1,2,3", "noise seeds of the evaluation images, comma separated"),
		labels:     fs.String("labels", "all", "classes of the evaluation images (names or numbers, comma separated), or all"),
		sampler:    fs.String("sampler", "", "euler, ddim or ddpm (default: euler for rectified-flow models, ddim for epsilon models)"),
		cfg:        fs.Float64("cfg", 2, "classifier-free guidance scale (1: none)"),
		shift:      fs.Float64("shift", 0, "time shift of the Euler grid as SD3 (3); 0: none"),
		keep:       fs.Bool("keep-first-last", false, "run the patch embedding and the final layer in f32 at every step"),
		precisions: fs.String("precisions", precisions, "precisions, highest first; the first is the reference"),
		clock:      fs.String("clock", "wall", clockUsage),
	}
}

// check validates the flags that need no model.
func (f *ditFlags) check() error {
	switch {
	case *f.steps < 1 || *f.steps > tmp.MaxSteps:
		return usagef("%s: --steps must be 1..%d, have %d", f.cmd, tmp.MaxSteps, *f.steps)
	case !(*f.cfg >= 0) || math.IsInf(*f.cfg, 0):
		return usagef("%s: --cfg must be a number >= 0, have %v", f.cmd, *f.cfg)
	case !(*f.shift >= 0) || math.IsInf(*f.shift, 0):
		return usagef("%s: --shift must be a number >= 0, have %v", f.cmd, *f.shift)
	}
	if *f.sampler != "" && !contains(sampler.Samplers, *f.sampler) {
		return usagef("%s: unknown --sampler %q (have %s)", f.cmd, *f.sampler, strings.Join(sampler.Samplers, ", "))
	}
	if _, err := f.seedList(); err != nil {
		return err
	}
	if _, err := parseClock(f.cmd, *f.clock); err != nil {
		return err
	}
	_, err := f.ladder()
	return err
}

const clockUsage = "what to time: wall (wall-clock) or cpu (CPU time of the process, steadier on a busy machine)"

// parseClock reads --clock: nil for the wall-clock.
func parseClock(cmd, s string) (func() float64, error) {
	switch s {
	case "wall":
		return nil, nil
	case "cpu":
		if !haveCPUClock {
			return nil, usagef("%s: --clock cpu is not available on this system", cmd)
		}
		return cpuClock, nil
	}
	return nil, usagef("%s: unknown --clock %q (have wall, cpu)", cmd, s)
}

func (f *ditFlags) seedList() ([]uint64, error) {
	var out []uint64
	for _, s := range strings.Split(*f.seeds, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, usagef("%s: --seeds: %q is not a non-negative integer", f.cmd, s)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, usagef("%s: --seeds is empty", f.cmd)
	}
	return out, nil
}

// ladder reads --precisions.
func (f *ditFlags) ladder() ([]tmp.Precision, error) {
	return parsePrecisions(f.cmd, "--precisions", *f.precisions)
}

func parsePrecisions(cmd, flagName, s string) ([]tmp.Precision, error) {
	var out []tmp.Precision
	for _, name := range strings.Split(s, ",") {
		if strings.TrimSpace(name) == "" {
			continue
		}
		p, err := tmp.ParsePrecision(name)
		if err != nil {
			return nil, usagef("%s: %s: %v", cmd, flagName, err)
		}
		for _, q := range out {
			if q == p {
				return nil, usagef("%s: %s lists %v twice", cmd, flagName, p)
			}
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, usagef("%s: %s is empty", cmd, flagName)
	}
	return out, nil
}

// load reads the model and resolves --labels against it.
func (f *ditFlags) load() (*dit.Model, []int, error) {
	m, err := loadTMPModel(f.cmd, *f.model)
	if err != nil {
		return nil, nil, err
	}
	labels, err := parseLabelList(f.cmd, &m.Config, *f.labels)
	if err != nil {
		return nil, nil, err
	}
	// The images are compared by SSIM: 11×11 windows, grey or RGB.
	if c := m.Config; c.InputSize < 11 || (c.InChannels != 1 && c.InChannels != 3) {
		return nil, nil, usagef("%s: --model draws %d×%d images of %d channels; SSIM needs at least 11×11, grey or RGB", f.cmd, c.InputSize, c.InputSize, c.InChannels)
	}
	return m, labels, nil
}

// loadTMPModel resolves --model.
func loadTMPModel(cmd, name string) (*dit.Model, error) {
	if name == "tiny-dit" {
		return tinydit.Load()
	}
	if st, err := os.Stat(name); err != nil || !st.IsDir() {
		return nil, usagef("%s: --model %q is neither tiny-dit nor a folder", cmd, name)
	}
	m, err := dit.Load(name)
	if err != nil {
		return nil, badInput(fmt.Errorf("%s: --model: %w", cmd, err))
	}
	return m, nil
}

// parseLabelList reads --labels: all, or class names or numbers.
func parseLabelList(cmd string, cfg *dit.Config, s string) ([]int, error) {
	if strings.TrimSpace(s) == "all" {
		out := make([]int, cfg.NumClasses)
		for i := range out {
			out[i] = i
		}
		return out, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		l, err := cfg.Label(strings.TrimSpace(f))
		if err != nil {
			return nil, usagef("%s: --labels: %v", cmd, err)
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, usagef("%s: --labels is empty", cmd)
	}
	return out, nil
}

// evaluator renders the reference images of the flags' seeds × labels.
func (f *ditFlags) evaluator(ctx context.Context, m *dit.Model, labels []int, prepare []tmp.Precision) (*tmp.DiTEvaluator, error) {
	seeds, _ := f.seedList()
	ladder, _ := f.ladder()
	clock, _ := parseClock(f.cmd, *f.clock)
	bar := newProgress("reference images", 1)
	ev, err := tmp.NewDiTEvaluator(ctx, m, tmp.DiTEvalOptions{
		Labels: labels, Seeds: seeds, Steps: *f.steps, Sampler: *f.sampler, CFG: *f.cfg, Shift: *f.shift,
		KeepFirstLast: *f.keep, Reference: ladder[0], Prepare: prepare, Clock: clock,
	})
	if err != nil {
		return nil, err
	}
	bar.Set(1, "")
	bar.Done(fmt.Sprintf("(%d images, %d %s steps at %v)", ev.Len(), *f.steps, samplerName(m, *f.sampler), ladder[0]))
	return ev, nil
}

// rows is the number of images one forward call of the evaluator runs.
func (f *ditFlags) rows(images int) int {
	if *f.cfg != 0 && *f.cfg != 1 {
		return 2 * images
	}
	return images
}

func samplerName(m *dit.Model, kind string) string {
	if kind != "" {
		return kind
	}
	if m.Config.Objective == "epsilon" {
		return sampler.DDIM
	}
	return sampler.Euler
}
