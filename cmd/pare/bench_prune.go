package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pare-ml/pare/bench"
)

const benchPruneAbout = `Times the whole block-by-block pruning pipeline (collect statistics with
the dense block, prune its Linears, run the pruned block to feed the next)
per method at unstructured sparsity, each on a fresh copy of the model.

--model is tiny, llama-100m or a Hugging Face folder (see pare bench llm).
The calibration windows are random token ids with a fixed seed (128 windows
of 128 tokens for tiny, 32 of 128 otherwise); --save-calib FILE writes them
as JSON and --save-random DIR the model, so that a peer prunes the same
model with the same windows:

  pare bench prune --model llama-100m --save-random /tmp/llama-100m --save-calib /tmp/calib-100m.json --json
  /usr/bin/python3 bench/peers/torch_prune.py --model /tmp/llama-100m --calib /tmp/calib-100m.json --name llama-100m`

func runBenchPrune(ctx context.Context, args []string) error {
	fs := newFlags("bench prune", "pare bench prune [--model tiny|DIR|llama-100m] [--methods magnitude,wanda,sparsegpt] [--json] [--save-calib FILE] [--save-random DIR]", benchPruneAbout)
	model := fs.String("model", bench.ModelTiny, "tiny, llama-100m or a Hugging Face folder")
	methods := fs.String("methods", "magnitude,wanda,sparsegpt", "methods, comma separated")
	sparsity := fs.Float64("sparsity", 0.5, "unstructured sparsity")
	nsamples := fs.Int("nsamples", 0, "calibration windows (0: 128 for tiny, 32 otherwise)")
	seqlen := fs.Int("seqlen", 0, "tokens per window (0: 128)")
	threads := fs.Int("threads", 0, "goroutines (GOMAXPROCS); 0: all cores")
	asJSON := fs.Bool("json", false, "print one JSON object per line instead of a table")
	saveCalib := fs.String("save-calib", "", "write the calibration windows to FILE (JSON) first")
	save := fs.String("save-random", "", "write the dense model as a Hugging Face folder DIR first")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measurements to FILE")
	force := fs.Bool("force", false, "replace existing --save-random, --save-calib and --cpuprofile outputs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench prune: unexpected argument %q (see pare bench prune --help)", fs.Arg(0))
	}
	if !(*sparsity > 0 && *sparsity < 1) {
		return usagef("bench prune: --sparsity %v is not in (0, 1)", *sparsity)
	}
	if *nsamples < 0 || *seqlen < 0 || *threads < 0 {
		return usagef("bench prune: --nsamples, --seqlen and --threads must not be negative")
	}
	if *threads > maxThreads {
		return usagef("bench prune: --threads must be at most %d, have %d", maxThreads, *threads)
	}
	spec := bench.PruneSpec{Sparsity: *sparsity, Threads: *threads}
	spec.Samples, spec.SeqLen = bench.DefaultPruneWindows(*model)
	if *nsamples > 0 {
		spec.Samples = *nsamples
	}
	if *seqlen > 0 {
		spec.SeqLen = *seqlen
	}
	if spec.SeqLen < 2 {
		return usagef("bench prune: --seqlen must be at least 2")
	}
	var err error
	if spec.Methods, err = parseMethods("bench prune", "--methods", *methods); err != nil {
		return err
	}
	if err := checkBenchOutputs("bench prune", *save, *saveCalib, *cpuProfile, *force); err != nil {
		return err
	}
	// A folder is loaded here too, so that one that is not a model is
	// reported before any output is written.
	if *save != "" || *saveCalib != "" || (*model != bench.ModelTiny && *model != bench.ModelLlama100M) {
		bm, err := openBenchModel("bench prune", *model)
		if err != nil {
			return err
		}
		if *save != "" {
			if err := saveModel(bm.Model, *save, *force); err != nil {
				bm.Model.Close()
				return err
			}
		}
		if *saveCalib != "" {
			ws := bench.CalibWindows(spec.Samples, spec.SeqLen, bm.Model.Config.VocabSize)
			if err := buildFile(*saveCalib, *force, func(tmp string) error { return bench.SaveCalib(tmp, ws) }); err != nil {
				bm.Model.Close()
				return err
			}
		}
		bm.Model.Close()
	} else if err := checkBenchModel("bench prune", *model); err != nil {
		return err
	}
	if !*asJSON {
		fmt.Printf("%-12s %-10s %8s %6s %7s %9s\n", "model", "method", "nsamples", "seqlen", "threads", "seconds")
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile, *force)
		if err != nil {
			return err
		}
		defer stop()
	}
	enc := json.NewEncoder(os.Stdout)
	_, err = bench.Prune(ctx, *model, spec, func(r bench.PruneResult) {
		if *asJSON {
			enc.Encode(r)
			return
		}
		fmt.Printf("%-12s %-10s %8d %6d %7d %9.3f\n", r.Model, r.Method, r.Samples, r.SeqLen, r.Threads, r.Seconds)
	})
	return err
}
