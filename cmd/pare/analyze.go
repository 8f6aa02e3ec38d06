package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pare-ml/pare/prune"
)

func init() {
	register(&command{name: "analyze", summary: "inside the pruned model: SNR per block, mask overlap, language neurons, subspaces", run: runAnalyze})
}

func runAnalyze(ctx context.Context, args []string) error {
	fs := newFlags("analyze", "pare analyze --model M --method wanda (--sparsity 0.5 | --pattern 2:4) --calib ar,de,en,es,ru,sw,zh [--eval same|LANGS] --out DIR",
		`Prunes the model once per calibration language and measures, on held-out
text of every evaluation language:

  SNR        10·log10(‖Y_dense‖²/‖Y_dense − Y_pruned‖²) of every block's output
  masks      per-Linear IoU of the masks of two calibration languages, beside
             the IoU of random masks of the same sparsity (s/(2−s))
  lape       language-specific FFN neurons (LAPE): how much of them each
             calibration prunes and how their activation changes
  subspace   share of the pruning-induced change of the hidden states that lies
             in the language-specific subspace (centred per-language means)

Writes analysis.json, analysis.md and plots (snr.svg, subspace.svg,
mask-overlap.svg) under --out. All pruned models are held
in memory at once.`)
	model := fs.String("model", prune.TinyName, "tiny or a Hugging Face model folder")
	method := fs.String("method", "wanda", "magnitude, wanda or sparsegpt")
	pf := addPruneFlags(fs)
	fs.Lookup("calib").Usage = "calibration languages, comma separated (e.g. de,en,zh); each is one pruned model"
	evalSpec := fs.String("eval", "same", "evaluation languages: same, all, or a list")
	tokens := fs.Int("tokens", 1024, "held-out tokens per evaluation language")
	out := fs.String("out", "", "output folder (must not exist unless --force)")
	force := fs.Bool("force", false, "replace an existing output folder")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("analyze: unexpected argument %q (see pare analyze --help)", fs.Arg(0))
	}
	meth, err := prune.ParseMethod(*method)
	if err != nil {
		return usagef("analyze: --method: %v", err)
	}
	pat, err := pf.parsePattern("analyze")
	if err != nil {
		return err
	}
	if *tokens < 2 {
		return usagef("analyze: --tokens must be at least 2, have %d", *tokens)
	}
	if err := checkOutFolder("analyze", "--out", *out, *force); err != nil {
		return err
	}
	if *pf.calib == "" {
		return usagef("analyze: --calib is required (e.g. de,en,zh)")
	}
	calib, err := prune.ParseLangs(*pf.calib)
	if err != nil {
		return langError("analyze", "--calib", err)
	}
	evals := calib
	if *evalSpec != "same" {
		if evals, err = prune.ParseLangs(*evalSpec); err != nil {
			return langError("analyze", "--eval", err)
		}
	}
	probe, err := openLLM("analyze", *model, false)
	if err != nil {
		return err
	}
	seqlen := pf.seqLen(probe.Model)
	probe.Close()
	var bar *progress
	res, err := prune.Analyze(ctx, func() (*prune.LLM, error) { return prune.LoadLLM(*model, true) }, prune.AnalyzeOptions{
		Method: meth, Pattern: pat, Calib: calib, Eval: evals, NSamples: *pf.nsamples, SeqLen: seqlen, Seed: *pf.seed, Tokens: *tokens,
		Progress: func(step, steps int, what string) {
			if bar == nil {
				bar = newProgress("analyze", steps)
			}
			bar.Set(step-1, what)
		},
	})
	if err != nil {
		return err
	}
	if bar != nil {
		bar.Done("")
	}
	res.Model = *model
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	md := res.Markdown()
	files := map[string][]byte{"analysis.json": js, "analysis.md": []byte(md),
		"snr.svg": snrPlot(res), "subspace.svg": subspacePlot(res)}
	if res.Overlap != nil {
		files["mask-overlap.svg"] = overlapHeatmap(res.Overlap)
	}
	if err := writeFolder(*out, files, *force); err != nil {
		return err
	}
	fmt.Print(md)
	fmt.Printf("wrote %s\n", *out)
	return nil
}
