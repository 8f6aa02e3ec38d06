package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"

	"github.com/pare-ml/pare/prune"
)

// PruneResult is one pruning measurement. The JSON field names are shared
// with bench/peers/torch_prune.py.
type PruneResult struct {
	Op       string  `json:"op"` // "prune"
	Model    string  `json:"model"`
	Method   string  `json:"method"`
	Sparsity float64 `json:"sparsity"`
	Samples  int     `json:"nsamples"`
	SeqLen   int     `json:"seqlen"`
	Threads  int     `json:"threads"`
	Path     string  `json:"path"`
	Seconds  float64 `json:"seconds"`
	// CPUSeconds is the process CPU time (all threads) of the run.
	CPUSeconds float64 `json:"cpu_seconds"`
}

// PruneSpec says which pruning runs to time.
type PruneSpec struct {
	Methods  []prune.Method
	Sparsity float64 // unstructured fraction (0: 0.5)
	Samples  int     // calibration windows
	SeqLen   int     // tokens per window
	Batch    int     // windows per forward pass (0: 8, as prune.Model)
	Threads  int     // GOMAXPROCS; 0 means the current one
}

// DefaultPruneWindows returns the calibration size `pare bench prune`
// uses for a model: 128 windows of 128 tokens for the tiny model, 32 of 128
// for larger ones (to keep the run short).
func DefaultPruneWindows(name string) (samples, seqlen int) {
	if name == ModelTiny {
		return 128, 128
	}
	return 32, 128
}

// CalibWindows returns samples windows of seqlen token ids drawn uniformly
// from [0, vocab) with a fixed seed: pruning time does not depend on the
// text, and a random model has no tokenizer. The peer reads the same
// windows from the file SaveCalib writes.
func CalibWindows(samples, seqlen, vocab int) [][]int {
	rng := rand.New(rand.NewPCG(uint64(samples)<<32|uint64(seqlen), 0xca11b))
	ws := make([][]int, samples)
	for i := range ws {
		w := make([]int, seqlen)
		for j := range w {
			w[j] = rng.IntN(vocab)
		}
		ws[i] = w
	}
	return ws
}

// SaveCalib writes calibration windows as JSON: {"windows": [[ids...], ...]}.
func SaveCalib(path string, windows [][]int) error {
	data, err := json.Marshal(map[string]any{"windows": windows})
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// Prune times each method on a fresh dense copy of the model named name
// (see LoadModel): the whole block-by-block pipeline of prune.Model
// (statistics, pruning, propagation through the pruned block) at
// unstructured sparsity, one run per method. Loading the model is not
// timed.
func Prune(ctx context.Context, name string, s PruneSpec, emit func(PruneResult)) ([]PruneResult, error) {
	if s.Sparsity == 0 {
		s.Sparsity = 0.5
	}
	var results []PruneResult
	for _, method := range s.Methods {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		bm, err := LoadModel(name)
		if err != nil {
			return results, err
		}
		opt := prune.Options{Method: method, Pattern: prune.Unstructured(s.Sparsity), Batch: s.Batch}
		if method != prune.MethodMagnitude {
			opt.Calibration = CalibWindows(s.Samples, s.SeqLen, bm.Model.Config.VocabSize)
		}
		old := runtime.GOMAXPROCS(0)
		if s.Threads > 0 {
			runtime.GOMAXPROCS(s.Threads)
		}
		runtime.GC() // the previous model's garbage is not this run's cost
		c0 := cpuTime()
		rep, err := prune.Model(ctx, bm.Model, opt)
		cpu := (cpuTime() - c0).Seconds()
		used := runtime.GOMAXPROCS(0)
		runtime.GOMAXPROCS(old)
		bm.Model.Close()
		if err != nil {
			return results, fmt.Errorf("bench: prune %s with %s: %w", name, method, err)
		}
		r := PruneResult{Op: "prune", Model: name, Method: string(method), Sparsity: s.Sparsity,
			Samples: len(opt.Calibration), SeqLen: rep.SeqLen, Threads: used, Path: "pare", Seconds: rep.Seconds, CPUSeconds: cpu}
		results = append(results, r)
		if emit != nil {
			emit(r)
		}
	}
	return results, nil
}
