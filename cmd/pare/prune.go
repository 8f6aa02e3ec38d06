package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/prune"
)

func init() {
	register(&command{name: "prune", summary: "prune an LLM with Magnitude, Wanda or SparseGPT calibrated on a language", run: runPrune})
}

// pruneFile is prune.json: the report plus what was asked.
type pruneFile struct {
	Model       string             `json:"model"`
	Calibration []prune.CalibPart  `json:"calibration"`
	Seed        uint64             `json:"seed"`
	Report      *prune.Report      `json:"report"`
	Perplexity  map[string]float64 `json:"perplexity,omitempty"`
	Written     string             `json:"written"`
}

// pruneFlags are the flags prune and study share.
type pruneFlags struct {
	sparsity, pattern, calib *string
	nsamples, seqlen         *int
	seed                     *uint64
}

func addPruneFlags(fs interface {
	String(string, string, string) *string
	Int(string, int, string) *int
	Uint64(string, uint64, string) *uint64
}) pruneFlags {
	return pruneFlags{
		sparsity: fs.String("sparsity", "", "unstructured sparsity in [0,1), e.g. 0.5"),
		pattern:  fs.String("pattern", "", "N:M sparsity, e.g. 2:4 or 4:8 (instead of --sparsity)"),
		calib:    fs.String("calib", "", "calibration: a language (de), several (en,de) or counts (en:64,de:64); .txt/.jsonl files too"),
		nsamples: fs.Int("nsamples", 128, "calibration windows"),
		seqlen:   fs.Int("seqlen", 0, "tokens per calibration window (0: min(128, the model's positions))"),
		seed:     fs.Uint64("seed", 0, "seed for drawing the calibration windows"),
	}
}

// resolve checks the shared flags and returns the pattern.
func (f pruneFlags) parsePattern() (prune.Pattern, error) {
	switch {
	case *f.sparsity != "" && *f.pattern != "":
		return prune.Pattern{}, usagef("give --sparsity or --pattern, not both")
	case *f.sparsity == "" && *f.pattern == "":
		return prune.Pattern{}, usagef("give --sparsity (e.g. 0.5) or --pattern (e.g. 2:4)")
	}
	s := *f.sparsity
	if s == "" {
		s = *f.pattern
	}
	p, err := prune.ParsePattern(s)
	if err != nil {
		return p, usagef("%v", err)
	}
	if err := p.Validate(); err != nil {
		return p, usagef("%v", err)
	}
	return p, nil
}

func (f pruneFlags) seqLen(m *llama.Model) int {
	if *f.seqlen > 0 {
		return *f.seqlen
	}
	s := 128
	if p := m.Config.MaxPositions; p > 0 && p < s {
		s = p
	}
	return s
}

func runPrune(ctx context.Context, args []string) error {
	fs := newFlags("prune", "pare prune --model tiny|DIR --method magnitude|wanda|sparsegpt (--sparsity 0.5 | --pattern 2:4) --calib LANGS [--nsamples N --seqlen L --seed S] --out DIR",
		`Prunes every Linear of every transformer block (embeddings and LM head stay
dense) block by block: the dense block's inputs on the calibration windows
give each Linear's statistics (Wanda: input norms; SparseGPT: the Hessian),
the Linears are pruned, and the pruned block's outputs feed the next block.

Writes a Hugging Face folder transformers can load (config.json,
model.safetensors, tokenizer.json) and prune.json: method, pattern, the
sparsity asked and reached per layer, calibration, seed and timings.`)
	model := fs.String("model", prune.TinyName, "tiny or a Hugging Face model folder")
	method := fs.String("method", "wanda", "magnitude, wanda or sparsegpt")
	pf := addPruneFlags(fs)
	out := fs.String("out", "", "output folder (must not exist unless --force)")
	force := fs.Bool("force", false, "replace an existing output folder")
	dtype := fs.String("dtype", "f32", "weights dtype of the written model: f32 or bf16")
	evalLangs := fs.String("eval", "", "also evaluate perplexity on these languages (all or a list) and store it in prune.json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("prune: unexpected argument %q", fs.Arg(0))
	}
	meth, err := prune.ParseMethod(*method)
	if err != nil {
		return usagef("%v", err)
	}
	pat, err := pf.parsePattern()
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("prune: --out is required")
	}
	if _, err := os.Stat(*out); err == nil && !*force {
		return usagef("output folder %s exists (use --force to replace it)", *out)
	}
	saveDType := llama.SaveF32
	switch strings.ToLower(*dtype) {
	case "f32":
	case "bf16":
		saveDType = llama.SaveBF16
	default:
		return usagef("prune: --dtype must be f32 or bf16")
	}
	if meth != prune.MethodMagnitude && *pf.calib == "" {
		return usagef("prune: %s needs --calib (e.g. --calib de)", meth)
	}
	var parts []prune.CalibPart
	if *pf.calib != "" {
		if *pf.nsamples < 1 {
			return usagef("prune: --nsamples must be at least 1")
		}
		if parts, err = prune.ParseCalib(*pf.calib, *pf.nsamples); err != nil {
			return langError(err)
		}
	}
	var evals []string
	if *evalLangs != "" {
		if evals, err = prune.ParseLangs(*evalLangs); err != nil {
			return langError(err)
		}
	}
	l, err := openLLM(*model, true)
	if err != nil {
		return err
	}
	defer l.Close()
	res, err := pruneLLM(ctx, l, meth, pat, parts, pf.seqLen(l.Model), *pf.seed)
	if err != nil {
		return err
	}
	pfile := pruneFile{Model: *model, Calibration: parts, Seed: *pf.seed, Report: res, Written: time.Now().UTC().Format(time.RFC3339)}
	if len(evals) > 0 {
		bar := newProgress("eval", len(evals))
		pfile.Perplexity, err = prune.Perplexity(ctx, l.Model, l.Tokenizer, evals, prune.EvalOptions{
			Progress: func(lang string, li, done, total int) { bar.Set(li, lang) }})
		if err != nil {
			return err
		}
		bar.Done("")
	}
	if err := prune.SavePruned(l, *out, pfile, *force, saveDType); err != nil {
		return err
	}
	fmt.Printf("pruned %s with %s at %s: %.2f%% of Linear weights are zero (%.1fs)\n",
		*model, meth, pat, 100*res.Sparsity, res.Seconds)
	for _, w := range res.Warnings {
		fmt.Println("warning:", w)
	}
	fmt.Printf("wrote %s\n", *out)
	return nil
}

// pruneLLM draws the calibration windows and prunes l.Model with a
// progress bar.
func pruneLLM(ctx context.Context, l *prune.LLM, meth prune.Method, pat prune.Pattern, parts []prune.CalibPart, seqlen int, seed uint64) (*prune.Report, error) {
	var ws [][]int
	if len(parts) > 0 {
		var err error
		if ws, err = prune.CalibrationWindows(l.Tokenizer, parts, seqlen, seed); err != nil {
			return nil, err
		}
	}
	blocks := len(l.Model.Blocks)
	bar := newProgress(fmt.Sprintf("%s %s", meth, pat), blocks)
	rep, err := prune.Model(ctx, l.Model, prune.Options{Method: meth, Pattern: pat, Calibration: ws,
		Progress: func(p prune.Progress) { bar.Set(p.Block, p.Stage+" "+p.Layer) }})
	if err != nil {
		return nil, err
	}
	bar.Set(blocks, "")
	bar.Done("")
	return rep, nil
}
