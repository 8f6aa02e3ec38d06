package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pare-ml/pare/tmp"
)

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
