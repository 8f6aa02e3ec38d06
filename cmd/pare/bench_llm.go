package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/pare-ml/pare/bench"
	"github.com/pare-ml/pare/internal/atomicfs"
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
	force := fs.Bool("force", false, "replace existing --save-random and --cpuprofile outputs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench llm: unexpected argument %q (see pare bench llm --help)", fs.Arg(0))
	}
	if err := checkTime("bench llm", *minTime); err != nil {
		return err
	}
	var spec bench.LLMSpec
	var err error
	if spec.Tokens, err = parseInts("bench llm", *tokens, "--tokens", 1, maxPrefillTokens); err != nil {
		return err
	}
	if *threads != "" {
		if spec.Threads, err = parseInts("bench llm", *threads, "--threads", 1, maxThreads); err != nil {
			return err
		}
	}
	if err := checkBenchOutputs("bench llm", *save, "", *cpuProfile, *force); err != nil {
		return err
	}
	spec.MinTime = *minTime
	bm, err := openBenchModel("bench llm", *model)
	if err != nil {
		return err
	}
	defer bm.Model.Close()
	if *save != "" {
		if err := saveModel(bm.Model, *save, *force); err != nil {
			return err
		}
	}
	if !*asJSON {
		fmt.Printf("%-12s %6s %7s %12s %9s  %s\n", "model", "tokens", "threads", "tokens/s", "seconds", "path")
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile, *force)
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

// maxPrefillTokens bounds bench llm --tokens: a longer prompt is beyond
// the positions of any model pare runs, and its activations beyond memory.
const maxPrefillTokens = 65536

// openBenchModel loads --model for cmd, turning a folder that does not
// exist into a usage error and one that is not a model into bad input.
func openBenchModel(cmd, name string) (*bench.BenchModel, error) {
	if err := checkBenchModel(cmd, name); err != nil {
		return nil, err
	}
	bm, err := bench.LoadModel(name)
	if err != nil && name != bench.ModelTiny && name != bench.ModelLlama100M {
		return nil, badInput(fmt.Errorf("%s: --model: %w", cmd, err))
	}
	return bm, err
}

// checkBenchModel reports a --model that names nothing as a usage error.
func checkBenchModel(cmd, name string) error {
	if name == "" {
		return usagef("%s: --model is required (tiny, llama-100m or a Hugging Face folder)", cmd)
	}
	if name != bench.ModelTiny && name != bench.ModelLlama100M {
		if st, err := os.Stat(name); err != nil || !st.IsDir() {
			return usagef("%s: --model %q is neither tiny, llama-100m nor a folder", cmd, name)
		}
	}
	return nil
}

// checkBenchOutputs checks the optional outputs of a benchmark before it
// runs: a folder (--save-random), a file (--save-calib) and a profile
// (--cpuprofile).
func checkBenchOutputs(cmd, saveDir, calibFile, profile string, force bool) error {
	if saveDir != "" {
		if err := checkOutFolder(cmd, "--save-random", saveDir, force); err != nil {
			return err
		}
	}
	if calibFile != "" {
		if err := checkOutFile(cmd, "--save-calib", calibFile, force); err != nil {
			return err
		}
	}
	if profile != "" {
		if err := checkOutFile(cmd, "--cpuprofile", profile, force); err != nil {
			return err
		}
	}
	return nil
}

// startCPUProfile writes a CPU profile to a temporary file beside path
// until stop is called, then renames it to path.
func startCPUProfile(path string, force bool) (stop func(), err error) {
	if _, err := os.Stat(path); err == nil && !force {
		return nil, fmt.Errorf("output file %s exists (use --force to replace it)", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		err := f.Close()
		if err == nil {
			err = os.Chmod(f.Name(), 0o644) // CreateTemp makes 0600
		}
		if err == nil {
			err = atomicfs.Replace(f.Name(), path)
		}
		if err != nil {
			os.Remove(f.Name())
			fmt.Fprintf(os.Stderr, "pare: --cpuprofile %s: %v\n", path, err)
		}
	}, nil
}

// saveModel writes m as a Hugging Face folder (f32 weights) with
// buildFolder.
func saveModel(m *llama.Model, dir string, force bool) error {
	return buildFolder(dir, force, func(tmp string) error {
		return m.Save(tmp, llama.SaveF32, map[string]string{"format": "pt", "written_by": "pare bench"})
	})
}
