package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/pare-ml/pare/prune"
)

func init() {
	register(&command{name: "study", summary: "the calibration-language study: prune per method and language, evaluate on every language", run: runStudy})
}

func runStudy(ctx context.Context, args []string) error {
	fs := newFlags("study", "pare study --model M --methods wanda,sparsegpt (--sparsity 0.5 | --pattern 2:4) --calib ar,de,en,es,ru,sw,zh [--eval same|LANGS] --out DIR",
		`The main experiment of "On the Limitations of Language Targeted Pruning":
prunes the model once per method and calibration language, evaluates every
pruned model (and the dense one) on every evaluation language, and writes
under --out: study.json (everything), study.md (one perplexity matrix per
method: rows calibration language, columns evaluation language, with the
dense row, and the count of languages where calibrating on the target
language gave the lowest perplexity), and heatmap-METHOD.svg.

With --tasks (default on) every model is also scored on the next-sentence
multiple-choice task of each evaluation language built from the corpus;
--task FILE.jsonl adds your own tasks ({"context":..., "choices":[...], "gold":i}).`)
	model := fs.String("model", prune.TinyName, "tiny or a Hugging Face model folder")
	methods := fs.String("methods", "wanda,sparsegpt", "methods, comma separated: magnitude, wanda, sparsegpt")
	pf := addPruneFlags(fs)
	fs.Lookup("calib").Usage = "calibration languages, comma separated (e.g. de,en,zh); each is one pruned model"
	evalSpec := fs.String("eval", "same", "evaluation languages: same (the calibration languages), all, or a list")
	tasks := fs.Bool("tasks", true, "score the corpus next-sentence task of every evaluation language")
	taskItems := fs.Int("task-items", 40, "most items per corpus task")
	var taskFiles multiFlag
	fs.Var(&taskFiles, "task", "a multiple-choice JSONL task `FILE` (repeatable)")
	out := fs.String("out", "", "output folder (must not exist unless --force)")
	force := fs.Bool("force", false, "replace an existing output folder")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("study: unexpected argument %q (see pare study --help)", fs.Arg(0))
	}
	pat, err := pf.parsePattern("study")
	if err != nil {
		return err
	}
	if err := checkOutFolder("study", "--out", *out, *force); err != nil {
		return err
	}
	meths, err := parseMethods("study", "--methods", *methods)
	if err != nil {
		return err
	}
	if *pf.calib == "" {
		return usagef("study: --calib is required (e.g. ar,de,en,es,ru,sw,zh)")
	}
	calib, err := prune.ParseLangs(*pf.calib)
	if err != nil {
		return langError("study", "--calib", err)
	}
	evals := calib
	if *evalSpec != "same" {
		if evals, err = prune.ParseLangs(*evalSpec); err != nil {
			return langError("study", "--eval", err)
		}
	}
	if *tasks && *taskItems < 1 {
		return usagef("study: --task-items must be at least 1, have %d", *taskItems)
	}
	var ts []prune.Task
	if *tasks {
		for _, l := range evals {
			t, err := prune.CorpusTask(l, *pf.seed, *taskItems)
			if err != nil {
				return err
			}
			ts = append(ts, t)
		}
	}
	for _, f := range taskFiles {
		if _, err := os.Stat(f); err != nil {
			return usagef("study: --task: %s", pathError(err))
		}
		t, err := prune.LoadTask(f)
		if err != nil {
			return badInput(fmt.Errorf("study: --task: %w", err))
		}
		ts = append(ts, t)
	}
	probe, err := openLLM("study", *model, false)
	if err != nil {
		return err
	}
	seqlen := pf.seqLen(probe.Model)
	probe.Close()

	var bar *progress
	res, err := prune.Study(ctx, func() (*prune.LLM, error) { return prune.LoadLLM(*model, true) }, prune.StudyOptions{
		Methods: meths, Pattern: pat, Calib: calib, Eval: evals, NSamples: *pf.nsamples, SeqLen: seqlen, Seed: *pf.seed, Tasks: ts,
		Progress: func(step, steps int, what string) {
			if bar == nil {
				bar = newProgress("study", steps)
			}
			bar.Set(step-1, what)
		},
	})
	if err != nil {
		return err
	}
	if bar != nil {
		bar.Set(bar.total, "")
		bar.Done("")
	}
	res.Model = *model
	files := map[string][]byte{"study.md": []byte(res.Markdown())}
	if files["study.json"], err = json.MarshalIndent(res, "", "  "); err != nil {
		return err
	}
	for _, m := range res.Methods {
		files[fmt.Sprintf("heatmap-%s.svg", m.Method)] = studyHeatmap(res, m)
	}
	if err := writeFolder(*out, files, *force); err != nil {
		return err
	}
	fmt.Print(res.Markdown())
	fmt.Printf("wrote %s\n", *out)
	return nil
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }
