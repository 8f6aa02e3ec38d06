package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/pare-ml/pare/wasm"
)

func init() {
	register(&command{name: "serve", summary: "serve the web page that prunes and samples in the browser", run: runServe})
}

func runServe(ctx context.Context, args []string) error {
	fs := newFlags("serve", "pare serve [--addr 127.0.0.1:8080] [--wasm FILE]",
		`Serves pare's web page: the diffusion tab samples the tiny DiT at a precision
per step and searches schedules for a target speed-up, the pruning tab prunes
the tiny LLM and compares perplexity per language and generations. All the
work runs in the browser, in a Web Worker, as WebAssembly.

At start-up pare compiles the page's program (GOOS=js GOARCH=wasm go build
./wasm/cmd/parewasm) with the Go toolchain from its source tree: run it
inside a checkout (go run ./cmd/pare serve). The first build takes a minute;
Go's build cache makes later ones quick. --wasm serves a program built
ahead instead (with wasm_exec.js of the same Go beside it, or the one of
the go command on PATH).`)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	prebuilt := fs.String("wasm", "", "serve this pare.wasm instead of building one")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve: unexpected argument %q (see pare serve --help)", fs.Arg(0))
	}
	if _, port, err := net.SplitHostPort(*addr); err != nil {
		return usagef("serve: --addr %q: want HOST:PORT, e.g. 127.0.0.1:8080", *addr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return usagef("serve: --addr %q: the port must be a number 0..65535", *addr)
	}
	if *prebuilt != "" {
		if st, err := os.Stat(*prebuilt); err != nil {
			return usagef("serve: --wasm: %s", pathError(err))
		} else if st.IsDir() {
			return usagef("serve: --wasm: %s is a folder", *prebuilt)
		}
	}
	// Listen first, so that an address in use is reported before the build.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer ln.Close()
	bin, err := pageBinary(ctx, *prebuilt)
	if err != nil {
		return err
	}
	models, err := wasm.TinyModels()
	if err != nil {
		return err
	}
	h, err := wasm.Handler(bin, models)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("pare: serving on http://%s/ (Ctrl-C stops)\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		return nil
	}
}

// pageBinary builds the page's wasm, or checks the one given.
func pageBinary(ctx context.Context, prebuilt string) (*wasm.Binary, error) {
	if prebuilt == "" {
		fmt.Fprintln(os.Stderr, "pare: building the page (GOOS=js GOARCH=wasm go build ./wasm/cmd/parewasm)…")
		start := time.Now()
		bin, err := wasm.Build(ctx, wasm.BuildOptions{})
		if err != nil {
			return nil, err
		}
		st, err := os.Stat(bin.Wasm)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "pare: built %s (%.1f MB) in %.1fs\n", bin.Wasm, float64(st.Size())/1e6, time.Since(start).Seconds())
		return bin, nil
	}
	bin := &wasm.Binary{Wasm: prebuilt, WasmExec: filepath.Join(filepath.Dir(prebuilt), "wasm_exec.js")}
	if _, err := os.Stat(bin.WasmExec); errors.Is(err, os.ErrNotExist) {
		exec, err := wasm.WasmExecFromGo(ctx)
		if err != nil {
			return nil, fmt.Errorf("serve: no wasm_exec.js beside %s, and %w", prebuilt, err)
		}
		bin.WasmExec = exec
	}
	return bin, nil
}
