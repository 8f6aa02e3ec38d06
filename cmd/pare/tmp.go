package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pare-ml/pare/bench"
	"github.com/pare-ml/pare/model/dit"
	tinydit "github.com/pare-ml/pare/model/tiny/dit"
	"github.com/pare-ml/pare/tensor"
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

// measureProfile times one denoising step of batch rows at each precision
// (every timed repetition runs perRep steps).
func measureProfile(ctx context.Context, m *dit.Model, model string, ps []tmp.Precision, batch, reps, perRep int, keep bool, clockName string) (tmp.CostProfile, error) {
	clock, err := parseClock("profile", clockName)
	if err != nil {
		return tmp.CostProfile{}, err
	}
	if err := tmp.PrepareDiT(m, ps); err != nil {
		return tmp.CostProfile{}, err
	}
	step, err := tmp.DiTStep(m, batch, keep)
	if err != nil {
		return tmp.CostProfile{}, err
	}
	bar := newProgress("profile", (reps+1)*len(ps))
	done := 0
	prof, err := tmp.MeasureClock(ctx, func(p tmp.Precision) error {
		for i := 0; i < perRep; i++ {
			if err := step(p); err != nil {
				return err
			}
		}
		done++
		bar.Set(done, p.String())
		return nil
	}, ps, reps, clock)
	if err != nil {
		return tmp.CostProfile{}, err
	}
	bar.Done("")
	for p := range prof.Seconds {
		prof.Seconds[p] /= float64(perRep)
	}
	prof.Model, prof.Batch, prof.Clock = model, batch, clockName
	if h := bench.Host(); h.CPU != "" {
		prof.Machine = fmt.Sprintf("%s, %s", h.CPU, prof.Machine)
	}
	return prof, nil
}

// profileTable prints seconds per step and speed-ups against f32 and bf16.
func profileTable(prof tmp.CostProfile) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| precision | ms per step | speed-up vs f32 | speed-up vs bf16 |\n| --- | --- | --- | --- |\n")
	vs := func(p, ref tmp.Precision) string {
		r, ok := prof.Seconds[ref]
		if !ok {
			return "–"
		}
		return fmt.Sprintf("%.2f×", r/prof.Seconds[p])
	}
	for _, p := range tmp.Precisions {
		s, ok := prof.Seconds[p]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "| %v | %.2f | %s | %s |\n", p, 1000*s, vs(p, tensor.PrecF32), vs(p, tensor.PrecBF16))
	}
	return b.String()
}

const tmpProfileAbout = `Times one denoising step (one forward pass of the model over --batch
rows) at each precision on this machine: a warm-up call per precision, then
--reps rounds that run every precision in turn; the profile keeps the
median. Weight encodings are built before timing.

Prints a table of milliseconds per step with the speed-ups against f32 and
bf16, and writes the profile as JSON to --out (read by pare tmp search
--profile). The default batch, 80 rows, is one step of pare tmp search with
its defaults: 4 seeds × 10 labels, twice for classifier-free guidance.`

func runTMPProfile(ctx context.Context, args []string) error {
	fs := newFlags("tmp profile", "pare tmp profile [--model tiny-dit|DIR] [--batch N] [--reps N] [--steps N] [--precisions LIST] [--out profile.json] [--json]", tmpProfileAbout)
	model := fs.String("model", "tiny-dit", "tiny-dit or a folder with config.json and model.safetensors")
	batch := fs.Int("batch", 80, "rows (images) per forward call: 2·seeds·labels with guidance")
	reps := fs.Int("reps", 10, "timed rounds per precision (the median is kept)")
	steps := fs.Int("steps", 1, "forward calls per timed round (the profile stores seconds per call)")
	precisions := fs.String("precisions", "f32,bf16,int8,int4", "precisions to time, comma separated (f16 too if wanted)")
	keep := fs.Bool("keep-first-last", false, "run the patch embedding and the final layer in f32")
	clock := fs.String("clock", "wall", clockUsage)
	out := fs.String("out", "profile.json", "JSON file to write (empty: none; must not exist unless --force)")
	force := fs.Bool("force", false, "replace an existing --out file")
	asJSON := fs.Bool("json", false, "print the profile as JSON instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("tmp profile: unexpected argument %q (see pare tmp profile --help)", fs.Arg(0))
	}
	switch {
	case *batch < 1 || *batch > 1<<16:
		return usagef("tmp profile: --batch must be 1..65536, have %d", *batch)
	case *reps < 1 || *reps > 10000:
		return usagef("tmp profile: --reps must be 1..10000, have %d", *reps)
	case *steps < 1 || *steps > 10000:
		return usagef("tmp profile: --steps must be 1..10000, have %d", *steps)
	}
	ps, err := parsePrecisions("tmp profile", "--precisions", *precisions)
	if err != nil {
		return err
	}
	if _, err := parseClock("tmp profile", *clock); err != nil {
		return err
	}
	if *out != "" {
		if err := checkOutFile("tmp profile", "--out", *out, *force); err != nil {
			return err
		}
	}
	m, err := loadTMPModel("tmp profile", *model)
	if err != nil {
		return err
	}
	prof, err := measureProfile(ctx, m, *model, ps, *batch, *reps, *steps, *keep, *clock)
	if err != nil {
		return err
	}
	if *out != "" {
		if err := prof.Save(*out); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(prof)
	}
	fmt.Printf("%s: one step of %d rows on %s (median of %d, %s time)\n\n%s", *model, *batch, prof.Machine, *reps, *clock, profileTable(prof))
	if *out != "" {
		fmt.Printf("\nwrote %s\n", *out)
	}
	return nil
}

const tmpAdditivityAbout = `The additivity experiment: lowers each step alone to each lower precision
(T runs per precision), then --sets random sets of steps per precision (sizes
from 2 to T), and compares the measured error of each set with the sum of
its steps' single-step errors, for 1 − SSIM and for MSE against the images
sampled at the reference precision (the first of --precisions).

Writes under --out: additivity.json (every measurement and the fits),
additivity.md (Pearson r, R² of y = x and the slope per precision, and the
single-step errors), additivity_ssim.svg and additivity_mse.svg (measured
against predicted, with y = x), singles.svg (single-step 1 − SSIM as a heat
map over steps and precisions).`

func runTMPAdditivity(ctx context.Context, args []string) error {
	fs := newFlags("tmp additivity", "pare tmp additivity --out DIR [--model tiny-dit|DIR] [--steps 20] [--sets 40] [--precisions LIST] [--seeds LIST] [--labels LIST] [--force]", tmpAdditivityAbout)
	df := addDiTFlags(fs, "tmp additivity", "f32,bf16,int8,int4")
	sets := fs.Int("sets", 40, "random step sets per lower precision")
	seed := fs.Uint64("seed", 1, "seed of the random step sets")
	out := fs.String("out", "", "output folder (required; must not exist unless --force)")
	force := fs.Bool("force", false, "replace an existing output folder")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("tmp additivity: unexpected argument %q (see pare tmp additivity --help)", fs.Arg(0))
	}
	if err := df.check(); err != nil {
		return err
	}
	switch {
	case *out == "":
		return usagef("tmp additivity: --out DIR is required")
	case *sets < 0 || *sets > 100000:
		return usagef("tmp additivity: --sets must be 0..100000, have %d", *sets)
	}
	if _, err := os.Stat(*out); err == nil && !*force {
		return usagef("tmp additivity: output folder %s exists (use --force to replace it)", *out)
	}
	ladder, _ := df.ladder()
	if len(ladder) < 2 {
		return usagef("tmp additivity: --precisions needs a precision below the reference")
	}
	m, labels, err := df.load()
	if err != nil {
		return err
	}
	ev, err := df.evaluator(ctx, m, labels, ladder)
	if err != nil {
		return err
	}
	var bar *progress
	res, err := tmp.Additivity(ctx, ev, tmp.AdditivityOptions{Steps: *df.steps, Ladder: ladder, Sets: *sets, Seed: *seed,
		Progress: func(done, total int) {
			if bar == nil {
				bar = newProgress("additivity", total)
			}
			bar.Set(done, "")
		}})
	if err != nil {
		return err
	}
	if bar != nil {
		bar.Done(fmt.Sprintf("(%d sampler runs)", res.Runs))
	}
	files := map[string][]byte{
		"additivity.md":       []byte(additivityReport(res, df, ev, samplerName(m, *df.sampler))),
		"additivity_ssim.svg": tmp.AdditivitySVG(res, tmp.MetricSSIM),
		"additivity_mse.svg":  tmp.AdditivitySVG(res, tmp.MetricMSE),
		"singles.svg":         singlesSVG(res),
	}
	if files["additivity.json"], err = json.MarshalIndent(struct {
		Model     string               `json:"model"`
		Sampler   string               `json:"sampler"`
		CFG       float64              `json:"cfg"`
		Seeds     []uint64             `json:"seeds"`
		Labels    []int                `json:"labels"`
		KeepFirst bool                 `json:"keep_first_last"`
		Result    tmp.AdditivityResult `json:"result"`
	}{*df.model, samplerName(m, *df.sampler), *df.cfg, ev.Options().Seeds, labels, *df.keep, res}, "", "  "); err != nil {
		return err
	}
	if err := writeFolder(*out, files, *force); err != nil {
		return err
	}
	fmt.Print(res.Markdown())
	fmt.Printf("\nwrote %s\n", *out)
	return nil
}

func additivityReport(res tmp.AdditivityResult, df *ditFlags, ev *tmp.DiTEvaluator, samplerName string) string {
	var b strings.Builder
	o := ev.Options()
	fmt.Fprintf(&b, "# Additivity of quantisation error over denoising steps\n\n")
	fmt.Fprintf(&b, "Model %s, %d %s steps, CFG %g, %d images (seeds %v × labels %v), reference %v%s; %s, %s.\n\n",
		*df.model, o.Steps, samplerName, o.CFG, ev.Len(), o.Seeds, o.Labels, o.Reference, keepNote(o.KeepFirstLast),
		runtime.GOOS+"/"+runtime.GOARCH, time.Now().UTC().Format("2006-01-02"))
	b.WriteString(res.Markdown())
	b.WriteString("\n![1 − SSIM](additivity_ssim.svg)\n\n![MSE](additivity_mse.svg)\n\n![single steps](singles.svg)\n")
	return b.String()
}

func keepNote(keep bool) string {
	if keep {
		return ", first and last layer in f32"
	}
	return ""
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// singlesSVG is the heat map of single-step errors: a row per lower
// precision, a column per step.
func singlesSVG(res tmp.AdditivityResult) []byte {
	var rows []string
	var vals [][]float64
	cols := make([]string, res.Steps)
	for t := range cols {
		cols[t] = strconv.Itoa(t)
	}
	for _, p := range res.Ladder[1:] {
		row := make([]float64, res.Steps)
		for i := range row {
			row[i] = math.NaN()
		}
		for _, s := range res.Singles {
			if s.Precision == p && s.Step >= 0 && s.Step < res.Steps {
				row[s.Step] = s.Quality.Error(tmp.MetricSSIM)
			}
		}
		rows = append(rows, p.String())
		vals = append(vals, row)
	}
	return tmp.HeatmapSVG(rows, cols, vals, "1 − SSIM of lowering one step (step 0 is the noisiest)")
}

const tmpSearchAbout = `Finds a per-step precision schedule for a speed target (--target-speedup:
least error at a predicted speed-up of at least X over --vs) or a quality
target (--min-ssim: fastest schedule whose images keep a mean SSIM of at
least Q against the reference images), with the linear-cost search of
package tmp, then measures the baselines at the same target: every uniform
precision, high-first and high-last (reference steps first or last, the rest
at one lower precision), random schedules (as many runs as the search used)
and, for T ≤ 10 with two precisions, the exhaustive optimum.

Quality is measured against images sampled at the first of --precisions,
for the --seeds × --labels images in one batch. Speed comes from the cost
profile (--profile FILE from pare tmp profile, else measured here with
--reps rounds at the batch the evaluator runs); the search's schedule and
the reference are also timed by their sampler runs (measured speed-up).
--clock cpu times CPU time instead of wall-clock, for a machine shared with
other work.

--spread trusts interval means during the search (0: exact and certified
under additivity, more runs; 0.5: same optimum on smooth profiles with about
half the runs); see the comment at the top of tmp/search.go.

Prints the search and the comparison as Markdown (--json: search.json), and
with --out writes: search.json (schedule, predicted and measured speed-up vs
f32 and bf16, SSIM/PSNR/MSE, sampler runs, every baseline, the profile),
report.md, pareto.svg (SSIM against predicted speed-up), schedules.svg,
grid.png (rows: reference, search, best uniform meeting the target, then
the best high-first, high-last, random and exhaustive schedules; columns:
the evaluation images) and profile.json.`

func runTMPSearch(ctx context.Context, args []string) error {
	fs := newFlags("tmp search", "pare tmp search (--target-speedup X | --min-ssim Q) [--model tiny-dit|DIR] [--steps T] [--seeds LIST] [--labels LIST] [--precisions LIST] [--keep-first-last] [--profile FILE] [--json] [--out DIR]", tmpSearchAbout)
	df := addDiTFlags(fs, "tmp search", "f32,bf16,int8,int4")
	speedup := fs.Float64("target-speedup", 0, "least predicted speed-up over --vs")
	minSSIM := fs.Float64("min-ssim", 0, "least mean SSIM against the reference images")
	vs := fs.String("vs", "f32", "precision the speed-up target is relative to")
	metric := fs.String("metric", "ssim", "error minimised under a speed target: ssim (1 − SSIM) or mse")
	spread := fs.Float64("spread", 0.5, "in [0, 1]: trust interval means (0: exact)")
	gap := fs.Float64("gap", 0, "stop refining once within this fraction of the optimum")
	maxRuns := fs.Int("max-runs", 0, "sampler runs per lower precision (default 2·steps)")
	randomRuns := fs.Int("random-runs", 0, "random schedules of the random baseline (default: as many as the search used)")
	baselines := fs.Bool("baselines", true, "measure the baselines")
	profile := fs.String("profile", "", "cost profile JSON (pare tmp profile); default: measure it now")
	reps := fs.Int("reps", 5, "timed rounds per precision when measuring the profile")
	scale := fs.Int("scale", 2, "enlarge grid.png this many times")
	asJSON := fs.Bool("json", false, "print search.json instead of Markdown")
	out := fs.String("out", "", "output folder (must not exist unless --force)")
	force := fs.Bool("force", false, "replace an existing output folder")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("tmp search: unexpected argument %q (see pare tmp search --help)", fs.Arg(0))
	}
	if err := df.check(); err != nil {
		return err
	}
	switch {
	case (*speedup != 0) == (*minSSIM != 0):
		return usagef("tmp search: give one of --target-speedup X and --min-ssim Q")
	case *speedup < 0 || math.IsNaN(*speedup) || math.IsInf(*speedup, 0):
		return usagef("tmp search: --target-speedup must be a positive number, have %v", *speedup)
	case *minSSIM != 0 && !(*minSSIM > -1 && *minSSIM <= 1):
		return usagef("tmp search: --min-ssim must be in (-1, 1], have %v", *minSSIM)
	case *metric != "ssim" && *metric != "mse":
		return usagef("tmp search: unknown --metric %q (have ssim, mse)", *metric)
	case *minSSIM != 0 && *metric != "ssim":
		return usagef("tmp search: --min-ssim needs --metric ssim")
	case !(*spread >= 0 && *spread <= 1):
		return usagef("tmp search: --spread must be in [0, 1], have %v", *spread)
	case !(*gap >= 0 && *gap < 1):
		return usagef("tmp search: --gap must be in [0, 1), have %v", *gap)
	case *maxRuns < 0:
		return usagef("tmp search: --max-runs must be >= 0, have %d", *maxRuns)
	case *randomRuns < 0:
		return usagef("tmp search: --random-runs must be >= 0, have %d", *randomRuns)
	case *reps < 1 || *reps > 10000:
		return usagef("tmp search: --reps must be 1..10000, have %d", *reps)
	case *scale < 1 || *scale > 16:
		return usagef("tmp search: --scale must be 1..16, have %d", *scale)
	}
	vsPrec, err := tmp.ParsePrecision(*vs)
	if err != nil {
		return usagef("tmp search: --vs: %v", err)
	}
	ladder, _ := df.ladder()
	if *out != "" {
		if _, err := os.Stat(*out); err == nil && !*force {
			return usagef("tmp search: output folder %s exists (use --force to replace it)", *out)
		}
	}
	var prof tmp.CostProfile
	if *profile != "" {
		if _, err := os.Stat(*profile); err != nil {
			return usagef("tmp search: --profile: %s", pathError(err))
		}
		if prof, err = tmp.LoadProfile(*profile); err != nil {
			return badInput(fmt.Errorf("tmp search: --profile: %w", err))
		}
	}
	m, labels, err := df.load()
	if err != nil {
		return err
	}
	prepare := append(append([]tmp.Precision(nil), ladder...), vsPrec)
	if *profile == "" { // bf16 is timed for the speed-ups against it
		prepare = append(prepare, tensor.PrecBF16)
	}
	ev, err := df.evaluator(ctx, m, labels, prepare)
	if err != nil {
		return err
	}
	batch := df.rows(ev.Len())
	if *profile == "" {
		// Time the ladder, the --vs precision and bf16, for speed-ups vs bf16.
		ps := dedupe(prepare)
		sort.SliceStable(ps, func(a, b int) bool { return ps[a] < ps[b] })
		if prof, err = measureProfile(ctx, m, *df.model, ps, batch, *reps, 1, *df.keep, *df.clock); err != nil {
			return err
		}
	} else {
		if prof.Batch != 0 && prof.Batch != batch {
			fmt.Fprintf(os.Stderr, "pare: note: the profile %s timed %d rows per step; this search runs %d\n", *profile, prof.Batch, batch)
		}
		if c := orDefault(prof.Clock, "wall"); c != *df.clock {
			fmt.Fprintf(os.Stderr, "pare: note: the profile %s timed %s time; this search times %s time\n", *profile, c, *df.clock)
		}
	}
	if err := prof.Check(ladder); err != nil {
		return usagef("tmp search: %v (measure it with pare tmp profile --precisions ...)", err)
	}

	cache := tmp.NewCache(ev)
	sopt := tmp.SearchOptions{
		Steps: *df.steps, Ladder: ladder, TargetSpeedup: *speedup, SpeedupVs: vsPrec, MinSSIM: *minSSIM,
		Metric: tmp.Metric(*metric), MaxRunsPerLevel: *maxRuns, Gap: *gap, Spread: *spread,
	}
	var bar *progress
	sopt.Progress = func(p tmp.SearchProgress) {
		if bar == nil {
			bar = newProgress("search", p.MaxRuns)
		}
		note := p.Phase
		if p.Phase == "measure" {
			note = fmt.Sprintf("%v on steps %d–%d: error %.3g", p.Level, p.Start, p.End-1, p.Error)
		}
		bar.Set(p.Runs, note)
	}
	res, err := tmp.Search(ctx, cache, prof, sopt)
	if err != nil {
		return err
	}
	if bar != nil {
		bar.Done(fmt.Sprintf("(%d sampler runs)", res.Runs))
	}
	if !res.Feasible {
		return fmt.Errorf("tmp search: infeasible: %s", res.Reason)
	}
	points := []tmp.Point{res.Point()}
	if *baselines {
		bopt := tmp.BaselineOptions{SearchOptions: sopt, RandomRuns: *randomRuns, Seed: 1}
		if bopt.RandomRuns == 0 {
			bopt.RandomRuns = res.Runs
		}
		bbar := newProgress("baselines", baselineRuns(ladder, *df.steps, bopt.RandomRuns))
		before := cache.Runs()
		n := 0
		bopt.Progress = func(p tmp.SearchProgress) {
			n++
			bbar.Set(n, p.Phase)
		}
		bs, err := tmp.Baselines(ctx, cache, prof, bopt)
		if err != nil {
			return err
		}
		bbar.Done(fmt.Sprintf("(%d new sampler runs)", cache.Runs()-before))
		points = append(points, bs...)
	}

	// The grid: reference, search, best uniform, then the best of each
	// other baseline method.
	type gridRow struct {
		Name     string       `json:"name"`
		Schedule tmp.Schedule `json:"schedule"`
	}
	rows := []gridRow{{"reference (" + ladder[0].String() + ")", tmp.Uniform(ladder[0], *df.steps)}}
	addRow := func(name string, s tmp.Schedule) { // a schedule already shown gets the name added
		for i := range rows {
			if rows[i].Schedule.Equal(s) {
				rows[i].Name += " = " + name
				return
			}
		}
		rows = append(rows, gridRow{name, s})
	}
	addRow("search", res.Schedule)
	bestUniform, haveUniform := bestPoint(points, "uniform", *speedup != 0)
	if haveUniform {
		addRow(bestUniform.Name, bestUniform.Schedule)
	}
	for _, method := range []string{"high-first", "high-last", "random", "exhaustive"} {
		if p, ok := bestPoint(points, method, *speedup != 0); ok {
			addRow(p.Name, p.Schedule)
		}
	}
	var grid []byte
	if *out != "" {
		gbar := newProgress("grid", len(rows))
		var imgs []image.Image
		for i, r := range rows {
			var row []image.Image
			if i == 0 {
				row = ev.ReferenceImages()
			} else if row, err = ev.Images(ctx, r.Schedule); err != nil {
				return err
			}
			imgs = append(imgs, row...)
			gbar.Set(i+1, r.Name)
		}
		gbar.Done("")
		g, err := sampler.Grid(imgs, len(rows), ev.Len())
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, sampler.Upscale(g, *scale)); err != nil {
			return err
		}
		grid = buf.Bytes()
	}

	verdict := matchedVerdict(res, bestUniform, haveUniform)
	doc := struct {
		Model      string           `json:"model"`
		Sampler    string           `json:"sampler"`
		Steps      int              `json:"steps"`
		CFG        float64          `json:"cfg"`
		Seeds      []uint64         `json:"seeds"`
		Labels     []int            `json:"labels"`
		KeepFirst  bool             `json:"keep_first_last"`
		Spread     float64          `json:"spread"`
		Profile    tmp.CostProfile  `json:"profile"`
		Search     tmp.SearchResult `json:"search"`
		Points     []tmp.Point      `json:"points"`
		BestUnif   *tmp.Point       `json:"best_uniform,omitempty"`
		Verdict    string           `json:"verdict"`
		GridRows   []gridRow        `json:"grid_rows"`
		TotalRuns  int              `json:"total_sampler_runs"`
		SearchedAt string           `json:"date"`
	}{*df.model, samplerName(m, *df.sampler), *df.steps, *df.cfg, ev.Options().Seeds, labels, *df.keep, *spread,
		prof, res, points, nil, verdict, rows, cache.Runs(), time.Now().UTC().Format(time.RFC3339)}
	if haveUniform {
		doc.BestUnif = &bestUniform
	}
	js, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	js = append(js, '\n')

	var md strings.Builder
	fmt.Fprintf(&md, "# Schedule search\n\nModel %s, %d %s steps, CFG %g, %d images (seeds %v × labels %v)%s; %s; %s.\n\n",
		*df.model, *df.steps, samplerName(m, *df.sampler), *df.cfg, ev.Len(), ev.Options().Seeds, labels, keepNote(*df.keep),
		prof.Machine, time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&md, "Cost profile (%d rows per step, %s time, median of %d):\n\n%s\n", prof.Batch, orDefault(prof.Clock, "wall"), prof.Reps, profileTable(prof))
	md.WriteString(res.Markdown())
	fmt.Fprintf(&md, "\n**%s**\n\n", verdict)
	if *baselines {
		md.WriteString("Search and baselines at the same target:\n\n")
		md.WriteString(tmp.PointsMarkdown(points))
	}
	if *out != "" {
		md.WriteString("\n![SSIM against speed-up](pareto.svg)\n\n![schedules](schedules.svg)\n\n")
		md.WriteString("grid.png, one row per schedule:\n\n")
		for i, r := range rows {
			fmt.Fprintf(&md, "%d. %s: `%s`\n", i+1, r.Name, r.Schedule)
		}
		md.WriteString("\n![images](grid.png)\n")
		var strips []tmp.NamedSchedule
		for _, r := range rows {
			strips = append(strips, tmp.NamedSchedule{Name: r.Name, Schedule: r.Schedule})
		}
		files := map[string][]byte{
			"search.json":   js,
			"report.md":     []byte(md.String()),
			"pareto.svg":    tmp.ParetoSVG(fmt.Sprintf("SSIM against predicted speed-up over %v (%d steps)", ladder[0], *df.steps), points),
			"schedules.svg": tmp.ScheduleSVG("Schedules (step 0 is the noisiest)", strips),
			"grid.png":      grid,
		}
		if files["profile.json"], err = json.MarshalIndent(prof, "", "  "); err != nil {
			return err
		}
		if err := writeFolder(*out, files, *force); err != nil {
			return err
		}
	}
	if *asJSON {
		_, err := os.Stdout.Write(js)
		return err
	}
	fmt.Print(md.String())
	if *out != "" {
		fmt.Printf("\nwrote %s\n", *out)
	}
	return nil
}

// baselineRuns estimates the progress units of Baselines: one report per
// uniform precision, per temporal heuristic and per random schedule.
func baselineRuns(ladder []tmp.Precision, steps, random int) int {
	n := len(ladder) + 2*(len(ladder)-1) + random
	if len(ladder) == 2 && steps <= 10 {
		n++
	}
	return n
}

// bestPoint is the best point of a method: those meeting the target first,
// then the highest SSIM (speed target) or the highest predicted speed-up
// (quality target, ties by SSIM).
func bestPoint(points []tmp.Point, method string, speedTarget bool) (tmp.Point, bool) {
	var best tmp.Point
	found := false
	for _, p := range points {
		if p.Method != method {
			continue
		}
		better := false
		switch {
		case !found:
			better = true
		case p.MeetsTarget != best.MeetsTarget:
			better = p.MeetsTarget
		case !speedTarget && p.PredictedSpeedup != best.PredictedSpeedup:
			better = p.PredictedSpeedup > best.PredictedSpeedup
		default:
			better = p.Quality.SSIM > best.Quality.SSIM
		}
		if better {
			best, found = p, true
		}
	}
	return best, found
}

// matchedVerdict compares the search with the best uniform schedule that
// meets the same target: in SSIM for a speed target, in predicted speed
// for a quality target.
func matchedVerdict(r tmp.SearchResult, u tmp.Point, ok bool) string {
	if !ok {
		return "No uniform baseline was measured."
	}
	speed := r.TargetSpeedup > 0
	if !u.MeetsTarget {
		return fmt.Sprintf("No uniform precision meets the target; the search reaches SSIM %s at %.2f× (predicted).", tmp.FormatSSIM(r.Quality.SSIM), r.PredictedSpeedup)
	}
	a, b := r.Quality.SSIM, u.Quality.SSIM
	if !speed {
		a, b = r.PredictedSpeedup, u.PredictedSpeedup
	}
	cmp := "beats"
	switch {
	case !r.MeetsTarget:
		cmp = "misses the target (measured), unlike"
	case a < b:
		cmp = "falls short of"
	case a == b:
		cmp = "ties"
	}
	return fmt.Sprintf("At the same target the search (SSIM %s, %.2f× predicted, %.2f× measured) %s the best uniform schedule meeting it, %s (SSIM %s, %.2f× predicted, %.2f× measured).",
		tmp.FormatSSIM(r.Quality.SSIM), r.PredictedSpeedup, r.MeasuredSpeedup, cmp, u.Name, tmp.FormatSSIM(u.Quality.SSIM), u.PredictedSpeedup, u.MeasuredSpeedup)
}

func dedupe(ps []tmp.Precision) []tmp.Precision {
	var out []tmp.Precision
	for _, p := range ps {
		dup := false
		for _, q := range out {
			dup = dup || q == p
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}
