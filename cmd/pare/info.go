package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"

	"github.com/pare-ml/pare/bench"
)

func init() {
	register(&command{name: "info", summary: "show the CPU, its features and the kernel chosen for each operation", run: runInfo})
}

func runInfo(ctx context.Context, args []string) error {
	fs := newFlags("info", "pare info [--json]",
		"Shows the CPU (from cpuid), the SIMD features pare detected, the level in use\n"+
			"(capped by PARE_SIMD=generic|avx2|avx512|neon) and the kernel each operation runs.")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("info: unexpected argument %q", fs.Arg(0))
	}
	info := bench.Host()
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	fmt.Printf("cpu:        %s (%d logical cores, GOMAXPROCS %d)\n", info.CPU, info.Cores, runtime.GOMAXPROCS(0))
	fmt.Printf("caches:     L1d %s, L2 %s, L3 %s\n", kib(info.L1D), kib(info.L2), kib(info.L3))
	fmt.Printf("go:         %s %s/%s\n", info.Go, info.GOOS, info.GOARCH)
	fmt.Printf("features:   %s\n", info.FeatureList)
	fmt.Printf("simd level: %s (detected %s)\n", info.Level, info.Detected)
	fmt.Println("kernels:")
	for _, k := range info.Kernels {
		fmt.Printf("  %-12s %s\n", k.Op, k.Path)
	}
	return nil
}

func kib(n int) string {
	switch {
	case n <= 0:
		return "?"
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	default:
		return fmt.Sprintf("%d KiB", n>>10)
	}
}
