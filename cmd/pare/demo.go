package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pare-ml/pare/prune"
)

func init() {
	register(&command{name: "demo", summary: "pare's two jobs on the embedded tiny models, in a few minutes", run: runDemo})
}

// demoLangs are the languages the demo evaluates.
var demoLangs = []string{"ar", "de", "en", "es", "fr", "hi", "ja", "ru", "sw", "zh"}

func runDemo(ctx context.Context, args []string) error {
	fs := newFlags("demo", "pare demo [--out DIR] [--force] [--llm tiny|DIR] [--calib en,de] [--target-speedup X]",
		`Runs pare's two jobs on the embedded tiny models, offline:

 1. prunes the tiny multilingual LLM with Wanda and SparseGPT at 50%,
    calibrated on English and on German, and prints the per-language
    perplexity of the dense and every pruned model, and how much the masks
    of the two calibrations overlap;
 2. searches a temporal precision schedule for the tiny diffusion model at a
    speed-up target over f32 (--target-speedup) and prints the schedule, its
    measured speed-up and SSIM beside uniform-precision and other baselines;
 3. writes everything (JSON, Markdown, plots, images) under one folder.

Then open the web page with: pare serve`)
	out := fs.String("out", "pare-demo", "output folder (must not exist unless --force)")
	force := fs.Bool("force", false, "replace an existing output folder")
	model := fs.String("llm", prune.TinyName, "LLM to prune (tiny or a Hugging Face folder)")
	calib := fs.String("calib", "en,de", "the two calibration languages")
	target := fs.Float64("target-speedup", 2, "speed-up over f32 the schedule must reach; where the fastest precision of this machine cannot reach it, 90% of that precision's speed-up is searched instead")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("demo: unexpected argument %q (see pare demo --help)", fs.Arg(0))
	}
	if err := checkOutFolder("demo", "--out", *out, *force); err != nil {
		return err
	}
	cals, err := prune.ParseLangs(*calib)
	if err != nil {
		return langError("demo", "--calib", err)
	}
	if !(*target >= 1) || math.IsInf(*target, 0) {
		return usagef("demo: --target-speedup must be a number >= 1, have %v", *target)
	}
	if len(cals) != 2 {
		return usagef("demo: --calib needs exactly two languages, have %d", len(cals))
	}
	if err := checkLLM("demo", "--llm", *model); err != nil {
		return err
	}
	start := time.Now()
	files := map[string][]byte{}

	fmt.Println("== 1. Language-targeted pruning of the tiny multilingual LLM")
	pr, err := demoPrune(ctx, *model, cals)
	if err != nil {
		return err
	}
	md := pr.markdown()
	fmt.Print(md)
	files["prune/report.md"] = []byte(md)
	if files["prune/report.json"], err = json.MarshalIndent(pr, "", "  "); err != nil {
		return err
	}

	fmt.Println("\n== 2. Temporal mixed precision for the tiny diffusion model")
	if err := demoTMP(ctx, *target, files); err != nil {
		return err
	}

	if err := writeFolder(*out, files, *force); err != nil {
		return err
	}
	abs, _ := filepath.Abs(*out)
	fmt.Printf("\n== 3. Wrote %d files under %s (%s)\n", len(files), abs, time.Since(start).Round(time.Second))
	fmt.Println("Open the web page to try both in the browser: go run ./cmd/pare serve")
	return nil
}

// demoPruneResult is part 1 of the demo.
type demoPruneResult struct {
	Model   string                        `json:"model"`
	Langs   []string                      `json:"langs"`
	Models  []string                      `json:"models"` // row names: dense, wanda-en, ...
	PPL     map[string]map[string]float64 `json:"ppl"`
	Overlap map[string]float64            `json:"mask_iou"` // method → mean IoU of the two calibrations
	Random  float64                       `json:"random_iou"`
	Seconds map[string]float64            `json:"prune_seconds"`
}

func demoPrune(ctx context.Context, model string, cals []string) (*demoPruneResult, error) {
	res := &demoPruneResult{Model: model, Langs: demoLangs, PPL: map[string]map[string]float64{},
		Overlap: map[string]float64{}, Random: prune.RandomMaskIoU(0.5), Seconds: map[string]float64{}}
	eval := func(name string, l *prune.LLM) error {
		bar := newProgress("eval "+name, len(demoLangs))
		ppl, err := prune.Perplexity(ctx, l.Model, l.Tokenizer, demoLangs, prune.EvalOptions{
			Progress: func(lang string, li, done, total int) { bar.Set(li, lang) }})
		if err != nil {
			return err
		}
		bar.Done("")
		res.Models = append(res.Models, name)
		res.PPL[name] = ppl
		return nil
	}
	dense, err := openLLMFlag("demo", "--llm", model, false)
	if err != nil {
		return nil, err
	}
	err = eval("dense", dense)
	dense.Close()
	if err != nil {
		return nil, err
	}
	for _, meth := range []prune.Method{prune.MethodWanda, prune.MethodSparseGPT} {
		var models []*prune.LLM
		for _, cal := range cals {
			l, err := openLLMFlag("demo", "--llm", model, true)
			if err != nil {
				return nil, err
			}
			rep, err := pruneLLM(ctx, "demo", l, meth, prune.Unstructured(0.5), []prune.CalibPart{{Source: cal, Samples: 64}}, pruneFlagsSeqLen(l), 0)
			if err != nil {
				return nil, err
			}
			name := fmt.Sprintf("%s-%s", meth, cal)
			res.Seconds[name] = rep.Seconds
			if err := eval(name, l); err != nil {
				return nil, err
			}
			models = append(models, l)
		}
		res.Overlap[string(meth)] = prune.MeanMaskIoU(models[0].Model, models[1].Model)
		for _, l := range models {
			l.Close()
		}
	}
	return res, nil
}

// pruneFlagsSeqLen is the default calibration window: min(128, positions).
func pruneFlagsSeqLen(l *prune.LLM) int {
	s := 128
	if p := l.Model.Config.MaxPositions; p > 0 && p < s {
		s = p
	}
	return s
}

func (r *demoPruneResult) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nPerplexity on held-out text (lower is better), model %s, 50%% unstructured sparsity:\n\n", r.Model)
	fmt.Fprintf(&b, "| model | %s |\n|---|%s\n", strings.Join(r.Langs, " | "), strings.Repeat("---:|", len(r.Langs)))
	for _, m := range r.Models {
		fmt.Fprintf(&b, "| %s |", m)
		for _, l := range r.Langs {
			fmt.Fprintf(&b, " %.1f |", r.PPL[m][l])
		}
		b.WriteString("\n")
	}
	var meths []string
	for m := range r.Overlap {
		meths = append(meths, m)
	}
	sort.Strings(meths)
	b.WriteString("\nMask overlap (IoU) between the two calibration languages, over all pruned Linears:\n\n")
	for _, m := range meths {
		fmt.Fprintf(&b, "- %s: %.3f (two random 50%% masks: %.3f)\n", m, r.Overlap[m], r.Random)
	}
	return b.String()
}
