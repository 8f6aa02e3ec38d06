package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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

// parsePattern checks the shared flags of cmd and returns the pattern.
func (f pruneFlags) parsePattern(cmd string) (prune.Pattern, error) {
	switch {
	case *f.sparsity != "" && *f.pattern != "":
		return prune.Pattern{}, usagef("%s: give --sparsity or --pattern, not both", cmd)
	case *f.sparsity == "" && *f.pattern == "":
		return prune.Pattern{}, usagef("%s: give --sparsity (e.g. 0.5) or --pattern (e.g. 2:4)", cmd)
	case *f.seqlen < 0 || *f.seqlen == 1:
		return prune.Pattern{}, usagef("%s: --seqlen must be 0 (the default) or at least 2, have %d", cmd, *f.seqlen)
	case *f.nsamples < 1:
		return prune.Pattern{}, usagef("%s: --nsamples must be at least 1, have %d", cmd, *f.nsamples)
	}
	name, s := "--sparsity", *f.sparsity
	if s == "" {
		name, s = "--pattern", *f.pattern
	}
	p, err := prune.ParsePattern(s)
	if err == nil {
		err = p.Validate()
	}
	if err != nil {
		return p, usagef("%s: %s: %v", cmd, name, err)
	}
	return p, nil
}

// parseMethods reads a comma-separated list of pruning methods.
func parseMethods(cmd, flagName, list string) ([]prune.Method, error) {
	var out []prune.Method
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		m, err := prune.ParseMethod(strings.TrimSpace(s))
		if err != nil {
			return nil, usagef("%s: %s: %v", cmd, flagName, err)
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, usagef("%s: %s is empty", cmd, flagName)
	}
	return out, nil
}

// checkCalibFiles reports a calibration file (.txt, .jsonl) that does not
// exist as a usage error before any work.
func checkCalibFiles(cmd string, parts []prune.CalibPart) error {
	for _, p := range parts {
		if ext := strings.ToLower(filepath.Ext(p.Source)); ext != ".txt" && ext != ".jsonl" {
			continue
		}
		if st, err := os.Stat(p.Source); err != nil {
			return usagef("%s: --calib: %s", cmd, pathError(err))
		} else if st.IsDir() {
			return usagef("%s: --calib: %s is a folder", cmd, p.Source)
		}
	}
	return nil
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
		return usagef("prune: unexpected argument %q (see pare prune --help)", fs.Arg(0))
	}
	meth, err := prune.ParseMethod(*method)
	if err != nil {
		return usagef("prune: --method: %v", err)
	}
	pat, err := pf.parsePattern("prune")
	if err != nil {
		return err
	}
	if err := checkOutFolder("prune", "--out", *out, *force); err != nil {
		return err
	}
	saveDType := llama.SaveF32
	switch strings.ToLower(*dtype) {
	case "f32":
	case "bf16":
		saveDType = llama.SaveBF16
	default:
		return usagef("prune: --dtype must be f32 or bf16, have %q", *dtype)
	}
	if meth != prune.MethodMagnitude && *pf.calib == "" {
		return usagef("prune: %s needs --calib (e.g. --calib de)", meth)
	}
	var parts []prune.CalibPart
	if *pf.calib != "" {
		if parts, err = prune.ParseCalib(*pf.calib, *pf.nsamples); err != nil {
			return langError("prune", "--calib", err)
		}
		if err := checkCalibFiles("prune", parts); err != nil {
			return err
		}
	}
	var evals []string
	if *evalLangs != "" {
		if evals, err = prune.ParseLangs(*evalLangs); err != nil {
			return langError("prune", "--eval", err)
		}
	}
	l, err := openLLM("prune", *model, true)
	if err != nil {
		return err
	}
	defer l.Close()
	res, err := pruneLLM(ctx, "prune", l, meth, pat, parts, pf.seqLen(l.Model), *pf.seed)
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
// progress bar; a calibration text that gives no windows is bad input of
// cmd.
func pruneLLM(ctx context.Context, cmd string, l *prune.LLM, meth prune.Method, pat prune.Pattern, parts []prune.CalibPart, seqlen int, seed uint64) (*prune.Report, error) {
	var ws [][]int
	if len(parts) > 0 {
		var err error
		if ws, err = prune.CalibrationWindows(l.Tokenizer, parts, seqlen, seed); err != nil {
			return nil, badInput(fmt.Errorf("%s: --calib: %w", cmd, err))
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
