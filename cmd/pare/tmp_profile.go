package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/pare-ml/pare/bench"
	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp"
)

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
