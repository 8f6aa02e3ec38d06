package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/pare-ml/pare/bench"
	"github.com/pare-ml/pare/wasm"
)

const benchPortableAbout = `Times what the browser runs, on one thread: the generic f32 GEMM (pare's
portable Go kernels) at the shapes of the tiny DiT and 256³, and one
denoising step of a DiT of the tiny model's size (random weights, batch 2)
at f32 and int8, with the generic kernels whatever this CPU has.`

func runBenchPortable(ctx context.Context, args []string) error {
	fs := newFlags("bench portable", "pare bench portable [--time 1s] [--json]", benchPortableAbout)
	minTime := fs.Duration("time", time.Second, "time budget per case")
	asJSON := fs.Bool("json", false, "print one JSON object per line instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench portable: unexpected argument %q (see pare bench portable --help)", fs.Arg(0))
	}
	if err := checkTime("bench portable", *minTime); err != nil {
		return err
	}
	if !*asJSON {
		fmt.Printf("%-9s %-7s %5s %5s %5s %9s %10s\n", "op", "dtype", "m", "n", "k", "GFLOPS", "ms")
	}
	enc := json.NewEncoder(os.Stdout)
	_, err := bench.Portable(ctx, *minTime, func(r bench.Result) {
		if *asJSON {
			enc.Encode(r)
			return
		}
		fmt.Printf("%-9s %-7s %5d %5d %5d %9.2f %10.3f\n", r.Op, r.DType, r.M, r.N, r.K, r.GFLOPS, 1000*r.Seconds)
	})
	return err
}

func runBenchWasm(ctx context.Context, args []string) error {
	fs := newFlags("bench wasm", "pare bench wasm [--time 1s] [--json]",
		`Builds pare twice from its source tree, natively with -tags purego and for
GOOS=js GOARCH=wasm, runs "pare bench portable" with each (the wasm one under
node), and prints both throughputs and their ratio: what running in a browser
costs over the same Go code run natively.

Needs the Go toolchain and node; run it inside a checkout of pare.

`+benchPortableAbout)
	minTime := fs.Duration("time", time.Second, "time budget per case")
	asJSON := fs.Bool("json", false, "print one JSON object per line instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench wasm: unexpected argument %q (see pare bench wasm --help)", fs.Arg(0))
	}
	if err := checkTime("bench wasm", *minTime); err != nil {
		return err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("bench wasm: node is not installed (it runs the js/wasm build)")
	}
	src, err := wasm.FindSource()
	if err != nil {
		return err
	}
	execJS, err := wasm.WasmExecFromGo(ctx)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "pare-bench-wasm-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	native, wasmBin := filepath.Join(dir, "pare-purego"), filepath.Join(dir, "pare.wasm")
	fmt.Fprintln(os.Stderr, "pare: building pare with -tags purego and for js/wasm…")
	if err := goBuild(ctx, src, nil, "-tags", "purego", "-o", native, "./cmd/pare"); err != nil {
		return err
	}
	if err := goBuild(ctx, src, []string{"GOOS=js", "GOARCH=wasm"}, "-o", wasmBin, "./cmd/pare"); err != nil {
		return err
	}
	benchArgs := []string{"bench", "portable", "--json", "--time", minTime.String()}
	fmt.Fprintln(os.Stderr, "pare: timing natively (purego)…")
	nat, err := portableResults(ctx, native, benchArgs...)
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "pare: timing under node (js/wasm)…")
	nodeExec := filepath.Join(filepath.Dir(execJS), "wasm_exec_node.js")
	was, err := portableResults(ctx, node, append([]string{nodeExec, wasmBin}, benchArgs...)...)
	if err != nil {
		return err
	}
	if len(nat) != len(was) {
		return fmt.Errorf("bench wasm: %d native results, %d wasm results", len(nat), len(was))
	}
	type row struct {
		Op     string  `json:"op"`
		DType  string  `json:"dtype"`
		M      int     `json:"m"`
		N      int     `json:"n"`
		K      int     `json:"k"`
		Native float64 `json:"native_purego_gflops"`
		Wasm   float64 `json:"node_wasm_gflops"`
		Ratio  float64 `json:"wasm_over_native"`
	}
	if !*asJSON {
		fmt.Printf("%-9s %-7s %5s %5s %5s %14s %12s %9s\n", "op", "dtype", "m", "n", "k", "purego GFLOPS", "wasm GFLOPS", "wasm/nat")
	}
	enc := json.NewEncoder(os.Stdout)
	for i, n := range nat {
		w := was[i]
		r := row{Op: n.Op, DType: n.DType, M: n.M, N: n.N, K: n.K, Native: n.GFLOPS, Wasm: w.GFLOPS}
		if n.GFLOPS > 0 {
			r.Ratio = w.GFLOPS / n.GFLOPS
		}
		if *asJSON {
			enc.Encode(r)
			continue
		}
		fmt.Printf("%-9s %-7s %5d %5d %5d %14.2f %12.2f %8.2f×\n", r.Op, r.DType, r.M, r.N, r.K, r.Native, r.Wasm, r.Ratio)
	}
	return nil
}

// goBuild runs go build in src with extra environment.
func goBuild(ctx context.Context, src string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", append([]string{"build"}, args...)...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s go build %s: %v\n%s", strings.Join(env, " "), strings.Join(args, " "), err, out)
	}
	return nil
}

// portableResults runs a `pare bench portable --json` and reads its lines.
func portableResults(ctx context.Context, name string, args ...string) ([]bench.Result, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	var rs []bench.Result
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r bench.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s: %v in %q", name, err, sc.Text())
		}
		rs = append(rs, r)
	}
	return rs, nil
}
