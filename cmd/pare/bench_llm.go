package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/pare-ml/pare/bench"
	"github.com/pare-ml/pare/model/llama"
)

const benchLLMAbout = `Times the prefill of one prompt (embedding, every block, the final norm and
the LM head of the last position, f32) and prints tokens per second.

--model is tiny (the embedded model; random weights of its config until it
is trained), llama-100m (a ~100M-parameter Llama config with random
weights, seed 1) or a Hugging Face folder. --save-random DIR writes the
model measured as a Hugging Face folder (f32), so that a peer loads the same
weights:

  pare bench llm --model llama-100m --save-random /tmp/llama-100m --json
  /usr/bin/python3 bench/peers/torch_llama.py --model /tmp/llama-100m --name llama-100m

The prompt is id i = (i·7919) mod vocab, as the peer uses.`

func runBenchLLM(ctx context.Context, args []string) error {
	fs := newFlags("bench llm", "pare bench llm [--model tiny|DIR|llama-100m] [--tokens 128,512] [--threads N] [--json] [--save-random DIR]", benchLLMAbout)
	model := fs.String("model", bench.ModelTiny, "tiny, llama-100m or a Hugging Face folder")
	tokens := fs.String("tokens", "128,512", "prompt lengths, comma separated")
	threads := fs.String("threads", "", "goroutine counts (GOMAXPROCS), comma separated; default: all cores")
	minTime := fs.Duration("time", 3*time.Second, "time budget per case")
	asJSON := fs.Bool("json", false, "print one JSON object per line instead of a table")
	save := fs.String("save-random", "", "write the measured model as a Hugging Face folder DIR first")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measurements to FILE")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench llm: unexpected argument %q", fs.Arg(0))
	}
	var spec bench.LLMSpec
	var err error
	if spec.Tokens, err = parseInts(*tokens, "--tokens", 1); err != nil {
		return err
	}
	if *threads != "" {
		if spec.Threads, err = parseInts(*threads, "--threads", 1); err != nil {
			return err
		}
	}
	spec.MinTime = *minTime
	bm, err := openBenchModel(*model)
	if err != nil {
		return err
	}
	defer bm.Model.Close()
	if *save != "" {
		if err := saveModel(bm.Model, *save); err != nil {
			return err
		}
	}
	if !*asJSON {
		fmt.Printf("%-12s %6s %7s %12s %9s  %s\n", "model", "tokens", "threads", "tokens/s", "seconds", "path")
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	enc := json.NewEncoder(os.Stdout)
	_, err = bench.Prefill(ctx, bm, spec, func(r bench.LLMResult) {
		if *asJSON {
			enc.Encode(r)
			return
		}
		fmt.Printf("%-12s %6d %7d %12.1f %9.4f  %s\n", r.Model, r.Tokens, r.Threads, r.TokensPerS, r.Seconds, r.Path)
	})
	return err
}

// openBenchModel loads --model, turning a missing folder into a usage error.
func openBenchModel(name string) (*bench.BenchModel, error) {
	if err := checkBenchModel(name); err != nil {
		return nil, err
	}
	return bench.LoadModel(name)
}

// checkBenchModel reports a --model that names nothing as a usage error.
func checkBenchModel(name string) error {
	if name == "" {
		return usagef("--model is required (tiny, llama-100m or a Hugging Face folder)")
	}
	if name != bench.ModelTiny && name != bench.ModelLlama100M {
		if _, err := os.Stat(name); err != nil {
			return usagef("model %s is neither tiny, llama-100m nor an existing folder", name)
		}
	}
	return nil
}

// startCPUProfile writes a CPU profile to path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// saveModel writes m as a Hugging Face folder (f32 weights), creating dir.
func saveModel(m *llama.Model, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return m.Save(dir, llama.SaveF32, map[string]string{"format": "pt", "written_by": "pare bench"})
}
