package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pare-ml/pare/bench"
)

func init() {
	register(&command{name: "bench", summary: "measure kernels and models (gemm, llm, prune, dit, portable, wasm)", run: runBench})
}

const benchAbout = `Measures pare on this machine. Sub-commands:

  gemm   C = A·Bᵀ for square sizes and LLM shapes (m=512 tokens, n=k=2048;
         and m=1, the decoding GEMV) in every weight encodingGEMM_DTYPES.
  llm    prefill tokens/s of a Llama model (tiny, llama-100m or a folder).
  prune  seconds to prune a model per method, with calibration windows.
  dit    seconds of one denoising step of a DiT with classifier-free
         guidance, per precision and batch (the tiny model, DiT-S/2 on
         32×32×4 latents or a folder); see pare bench dit --help.
  portable  the generic GEMM and one tiny-DiT step as the browser runs them.
  wasm      portable natively (purego) and in node/wasm, side by side:
            the cost of running in a browser.

Every gemm measurement is the best of repeated calls after a warm-up (the
median is in the JSON too); a dit step is the median. Ops are counted as
2·m·n·k for every dtype. Compare with a peer in the same run, e.g.
bench/peers/numpy_gemm.py (OpenBLAS) or bench/peers/torch_dit.py.`

func runBench(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs := newFlags("bench", "pare bench gemm|llm|prune|dit|portable|wasm [flags]", strings.ReplaceAll(benchAbout, "GEMM_DTYPES", ""))
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		return usagef("bench: name what to measure: gemm, llm, prune, dit, portable or wasm")
	}
	switch args[0] {
	case "gemm":
		return runBenchGEMM(ctx, args[1:])
	case "llm":
		return runBenchLLM(ctx, args[1:])
	case "prune":
		return runBenchPrune(ctx, args[1:])
	case "dit":
		return runBenchDiT(ctx, args[1:])
	case "portable":
		return runBenchPortable(ctx, args[1:])
	case "wasm":
		return runBenchWasm(ctx, args[1:])
	}
	return usagef("bench: unknown benchmark %q (have: gemm, llm, prune, dit, portable, wasm)", args[0])
}

func runBenchGEMM(ctx context.Context, args []string) error {
	fs := newFlags("bench gemm", "pare bench gemm [--sizes 256,512,1024,2048] [--dtype f32,bf16,int8] [--threads N] [--json]",
		strings.ReplaceAll(benchAbout, "GEMM_DTYPES", " (--dtype: "+strings.Join(bench.GEMMDTypes, ", ")+")"))
	sizes := fs.String("sizes", "256,512,1024,2048", "square sizes m=n=k, comma separated")
	dtypes := fs.String("dtype", "f32,bf16,int8", "encodings, comma separated: "+strings.Join(bench.GEMMDTypes, ","))
	threads := fs.String("threads", "", "goroutine counts (GOMAXPROCS), comma separated; default: all cores")
	llm := fs.Bool("llm", true, "also time the LLM shapes m=512,n=k=2048 and m=1,n=k=2048")
	minTime := fs.Duration("time", time.Second, "time budget per case")
	asJSON := fs.Bool("json", false, "print one JSON object per line instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench gemm: unexpected argument %q (see pare bench gemm --help)", fs.Arg(0))
	}
	if err := checkTime("bench gemm", *minTime); err != nil {
		return err
	}
	spec := bench.GEMMSpec{LLM: *llm, MinTime: *minTime}
	var err error
	if spec.Sizes, err = parseInts("bench gemm", *sizes, "--sizes", 1, maxGEMMSize); err != nil {
		return err
	}
	if *threads != "" {
		if spec.Threads, err = parseInts("bench gemm", *threads, "--threads", 1, maxThreads); err != nil {
			return err
		}
	}
	for _, d := range strings.Split(*dtypes, ",") {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		ok := false
		for _, known := range bench.GEMMDTypes {
			ok = ok || d == known
		}
		if !ok {
			return usagef("bench gemm: unknown --dtype %q (have %s)", d, strings.Join(bench.GEMMDTypes, ", "))
		}
		spec.DTypes = append(spec.DTypes, d)
	}
	if len(spec.DTypes) == 0 {
		return usagef("bench gemm: --dtype is empty")
	}
	if !*asJSON {
		fmt.Printf("%-8s %5s %5s %5s %7s %9s  %s\n", "dtype", "m", "n", "k", "threads", "GFLOPS", "path")
	}
	enc := json.NewEncoder(os.Stdout)
	_, err = bench.GEMM(ctx, spec, func(r bench.Result) {
		if *asJSON {
			enc.Encode(r)
			return
		}
		fmt.Printf("%-8s %5d %5d %5d %7d %9.1f  %s\n", r.DType, r.M, r.N, r.K, r.Threads, r.GFLOPS, r.Path)
	})
	return err
}

// Bounds of bench flags: beyond them a run cannot fit in memory.
const (
	maxGEMMSize = 16384 // three square f32 matrices of 1 GiB each
	maxThreads  = 4096
)

// parseInts parses a comma-separated list of integers in [lo, hi].
func parseInts(cmd, s, flagName string, lo, hi int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil || v < lo || v > hi {
			return nil, usagef("%s: %s: %q is not an integer in %d..%d", cmd, flagName, f, lo, hi)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, usagef("%s: %s is empty", cmd, flagName)
	}
	return out, nil
}

// checkTime refuses a --time budget that is not positive.
func checkTime(cmd string, d time.Duration) error {
	if d <= 0 {
		return usagef("%s: --time must be positive, have %v", cmd, d)
	}
	return nil
}
