package prune

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// StudyOptions configure Study, the paper's main experiment: prune once
// per method and calibration language, evaluate every pruned model on
// every evaluation language.
type StudyOptions struct {
	Methods  []Method
	Pattern  Pattern
	Calib    []string // calibration languages (or files), one pruned model each
	Eval     []string // evaluation languages
	NSamples int
	SeqLen   int
	Seed     uint64
	EvalLen  int // perplexity window (0: default of Perplexity)
	// Tasks, if set, scores every model on these multiple-choice tasks too.
	Tasks []Task
	// Progress, if set, is told what runs next: the step (1-based), the
	// number of steps, and a description.
	Progress func(step, steps int, what string)
}

// StudyMatrix is one method's result: rows are calibration languages,
// columns evaluation languages.
type StudyMatrix struct {
	Method Method      `json:"method"`
	Calib  []string    `json:"calib"`
	PPL    [][]float64 `json:"ppl"`
	// Accuracy [calib][task] of the multiple-choice tasks, when run.
	Accuracy     [][]float64 `json:"accuracy,omitempty"`
	AccuracyNorm [][]float64 `json:"accuracy_norm,omitempty"`
	// TargetBest lists the evaluation languages that are also calibration
	// languages and whose lowest perplexity came from calibrating on
	// themselves.
	TargetBest []string  `json:"target_best"`
	Candidates int       `json:"target_candidates"` // languages both calibrated on and evaluated
	Seconds    []float64 `json:"prune_seconds"`
}

// StudyResult is the whole experiment.
type StudyResult struct {
	Model        string         `json:"model"`
	Pattern      string         `json:"pattern"`
	NSamples     int            `json:"nsamples"`
	SeqLen       int            `json:"seqlen"`
	Seed         uint64         `json:"seed"`
	Eval         []string       `json:"eval"`
	DensePPL     []float64      `json:"dense_ppl"`
	Tasks        []string       `json:"tasks,omitempty"`
	DenseAcc     []float64      `json:"dense_accuracy,omitempty"`
	DenseAccNorm []float64      `json:"dense_accuracy_norm,omitempty"`
	Methods      []*StudyMatrix `json:"methods"`
	Seconds      float64        `json:"seconds"`
}

// Study runs the experiment. load returns a fresh, writable copy of the
// model each time it is called.
func Study(ctx context.Context, load func() (*LLM, error), opt StudyOptions) (*StudyResult, error) {
	start := time.Now()
	if len(opt.Methods) == 0 || len(opt.Calib) == 0 || len(opt.Eval) == 0 {
		return nil, fmt.Errorf("study: need at least one method, calibration language and evaluation language")
	}
	steps := 1 + len(opt.Methods)*len(opt.Calib)
	step := 0
	tell := func(what string) {
		step++
		if opt.Progress != nil {
			opt.Progress(step, steps, what)
		}
	}
	res := &StudyResult{Pattern: opt.Pattern.String(), NSamples: opt.NSamples, SeqLen: opt.SeqLen, Seed: opt.Seed, Eval: opt.Eval}
	for _, t := range opt.Tasks {
		res.Tasks = append(res.Tasks, t.Name)
	}
	evaluate := func(l *LLM) ([]float64, []float64, []float64, error) {
		ppl, err := Perplexity(ctx, l.Model, l.Tokenizer, opt.Eval, EvalOptions{SeqLen: opt.EvalLen})
		if err != nil {
			return nil, nil, nil, err
		}
		row := make([]float64, len(opt.Eval))
		for i, e := range opt.Eval {
			row[i] = ppl[e]
		}
		var acc, accN []float64
		for _, t := range opt.Tasks {
			r, err := ScoreTask(ctx, l.Model, l.Tokenizer, t)
			if err != nil {
				return nil, nil, nil, err
			}
			acc = append(acc, r.Accuracy)
			accN = append(accN, r.AccuracyNorm)
		}
		return row, acc, accN, nil
	}

	tell("dense model")
	dense, err := load()
	if err != nil {
		return nil, err
	}
	res.Model = dense.Name
	res.DensePPL, res.DenseAcc, res.DenseAccNorm, err = evaluate(dense)
	dense.Close()
	if err != nil {
		return nil, err
	}
	for _, meth := range opt.Methods {
		mat := &StudyMatrix{Method: meth, Calib: opt.Calib}
		for ci, cal := range opt.Calib {
			if meth == MethodMagnitude && ci > 0 {
				// Magnitude reads no calibration data: one model serves every row.
				tell(fmt.Sprintf("%s (no calibration)", meth))
				mat.PPL = append(mat.PPL, mat.PPL[0])
				if len(mat.Accuracy) > 0 {
					mat.Accuracy = append(mat.Accuracy, mat.Accuracy[0])
					mat.AccuracyNorm = append(mat.AccuracyNorm, mat.AccuracyNorm[0])
				}
				mat.Seconds = append(mat.Seconds, 0)
				continue
			}
			tell(fmt.Sprintf("%s calibrated on %s", meth, cal))
			l, err := load()
			if err != nil {
				return nil, err
			}
			var ws [][]int
			if meth != MethodMagnitude {
				ws, err = CalibrationWindows(l.Tokenizer, []CalibPart{{Source: cal, Samples: opt.NSamples}}, opt.SeqLen, opt.Seed)
				if err != nil {
					l.Close()
					return nil, err
				}
			}
			rep, err := Model(ctx, l.Model, Options{Method: meth, Pattern: opt.Pattern, Calibration: ws})
			if err != nil {
				l.Close()
				return nil, err
			}
			row, acc, accN, err := evaluate(l)
			l.Close()
			if err != nil {
				return nil, err
			}
			mat.PPL = append(mat.PPL, row)
			if len(acc) > 0 {
				mat.Accuracy = append(mat.Accuracy, acc)
				mat.AccuracyNorm = append(mat.AccuracyNorm, accN)
			}
			mat.Seconds = append(mat.Seconds, rep.Seconds)
		}
		if meth != MethodMagnitude {
			mat.TargetBest, mat.Candidates = targetBest(mat.Calib, opt.Eval, mat.PPL)
		}
		res.Methods = append(res.Methods, mat)
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// targetBest returns the evaluation languages whose lowest perplexity
// came from calibrating on the same language, and how many evaluation
// languages were also calibration languages.
func targetBest(calib, eval []string, ppl [][]float64) ([]string, int) {
	var best []string
	n := 0
	for j, e := range eval {
		self := -1
		for i, c := range calib {
			if c == e {
				self = i
			}
		}
		if self < 0 {
			continue
		}
		n++
		arg := 0
		for i := range calib {
			if ppl[i][j] < ppl[arg][j] {
				arg = i
			}
		}
		if arg == self {
			best = append(best, e)
		}
	}
	return best, n
}

// Markdown renders the result as tables a person can read.
func (r *StudyResult) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Calibration-language study: %s, %s\n\n", r.Model, r.Pattern)
	fmt.Fprintf(&b, "Perplexity on the held-out corpus (rows: calibration language, columns: evaluation language); %d calibration windows of %d tokens, seed %d. Bold: the lowest perplexity of each column.\n\n", r.NSamples, r.SeqLen, r.Seed)
	for _, m := range r.Methods {
		fmt.Fprintf(&b, "## %s\n\n| calib \\ eval | %s |\n|---|%s\n", m.Method, strings.Join(r.Eval, " | "), strings.Repeat("---:|", len(r.Eval)))
		fmt.Fprintf(&b, "| dense |")
		for _, v := range r.DensePPL {
			fmt.Fprintf(&b, " %s |", fmtPPL(v))
		}
		b.WriteString("\n")
		for i, c := range m.Calib {
			fmt.Fprintf(&b, "| %s |", c)
			for j := range r.Eval {
				v := m.PPL[i][j]
				if isColumnMin(m.PPL, i, j) {
					fmt.Fprintf(&b, " **%s** |", fmtPPL(v))
				} else {
					fmt.Fprintf(&b, " %s |", fmtPPL(v))
				}
			}
			b.WriteString("\n")
		}
		sort.Strings(m.TargetBest)
		if m.Method == MethodMagnitude {
			b.WriteString("\nMagnitude reads no calibration data: every row is the same pruned model.\n\n")
		} else {
			fmt.Fprintf(&b, "\nCalibrating on the target language gave the lowest perplexity for %d of %d languages (%s).\n\n",
				len(m.TargetBest), m.Candidates, strings.Join(m.TargetBest, ", "))
		}
		if len(m.Accuracy) > 0 {
			fmt.Fprintf(&b, "Multiple-choice accuracy (length-normalised in brackets):\n\n| calib \\ task | %s |\n|---|%s\n", strings.Join(r.Tasks, " | "), strings.Repeat("---:|", len(r.Tasks)))
			fmt.Fprintf(&b, "| dense |")
			for t := range r.Tasks {
				fmt.Fprintf(&b, " %.3f (%.3f) |", r.DenseAcc[t], r.DenseAccNorm[t])
			}
			b.WriteString("\n")
			for i, c := range m.Calib {
				fmt.Fprintf(&b, "| %s |", c)
				for t := range r.Tasks {
					fmt.Fprintf(&b, " %.3f (%.3f) |", m.Accuracy[i][t], m.AccuracyNorm[i][t])
				}
				b.WriteString("\n")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func isColumnMin(m [][]float64, i, j int) bool {
	for k := range m {
		if m[k][j] < m[i][j] {
			return false
		}
	}
	return true
}

func fmtPPL(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Sprint(v)
	case v >= 1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
