package wasm

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// ModulePath is the import path of pare's module.
const ModulePath = "github.com/pare-ml/pare"

// EntryPackage is the js/wasm program the page runs.
const EntryPackage = ModulePath + "/wasm/cmd/parewasm"

// Binary is a built page program: the wasm binary and the wasm_exec.js of
// the Go toolchain that built it (the two must come from the same Go).
type Binary struct {
	Wasm     string // path of pare.wasm
	WasmExec string // path of wasm_exec.js
}

// BuildOptions configure Build.
type BuildOptions struct {
	// Source is the root of pare's source tree (the folder of its go.mod);
	// empty: found from the working directory, then from where this file
	// was compiled (see FindSource).
	Source string
	// Dir receives pare.wasm and wasm_exec.js; empty: pare/wasm under the
	// user's cache folder.
	Dir string
	// Go is the go command; empty: "go" on PATH, then GOROOT/bin/go.
	Go string
}

// Build compiles the page's program with the Go toolchain (GOOS=js
// GOARCH=wasm, stripped, -trimpath) and copies that toolchain's
// wasm_exec.js beside it. Go's build cache makes a rebuild of unchanged
// sources quick, so pare serve builds at every start and the page always
// matches the source it serves.
func Build(ctx context.Context, opt BuildOptions) (*Binary, error) {
	goCmd, err := findGo(opt.Go)
	if err != nil {
		return nil, err
	}
	src := opt.Source
	if src == "" {
		if src, err = FindSource(); err != nil {
			return nil, err
		}
	}
	dir := opt.Dir
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir = filepath.Join(base, "pare", "wasm")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("wasm build: %w", err)
	}
	out, err := os.CreateTemp(dir, ".pare-*.wasm")
	if err != nil {
		return nil, fmt.Errorf("wasm build: %w", err)
	}
	out.Close()
	defer os.Remove(out.Name())
	cmd := exec.CommandContext(ctx, goCmd, "build", "-trimpath", "-ldflags=-s -w", "-o", out.Name(), EntryPackage)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("wasm build: GOOS=js GOARCH=wasm go build %s in %s: %v\n%s", EntryPackage, src, err, strings.TrimSpace(stderr.String()))
	}
	bin := &Binary{Wasm: filepath.Join(dir, "pare.wasm"), WasmExec: filepath.Join(dir, "wasm_exec.js")}
	if err := os.Rename(out.Name(), bin.Wasm); err != nil {
		return nil, fmt.Errorf("wasm build: %w", err)
	}
	execJS, err := wasmExec(ctx, goCmd)
	if err != nil {
		return nil, fmt.Errorf("wasm build: %w", err)
	}
	b, err := os.ReadFile(execJS)
	if err != nil {
		return nil, fmt.Errorf("wasm build: %w", err)
	}
	if err := os.WriteFile(bin.WasmExec+".tmp", b, 0o644); err != nil {
		return nil, fmt.Errorf("wasm build: %w", err)
	}
	if err := os.Rename(bin.WasmExec+".tmp", bin.WasmExec); err != nil {
		return nil, fmt.Errorf("wasm build: %w", err)
	}
	return bin, nil
}

// WasmExecFromGo returns the path of the wasm_exec.js of the go command on
// PATH (or of the toolchain pare was built with).
func WasmExecFromGo(ctx context.Context) (string, error) {
	goCmd, err := findGo("")
	if err != nil {
		return "", err
	}
	return wasmExec(ctx, goCmd)
}

// wasmExec finds the toolchain's wasm_exec.js: lib/wasm since Go 1.24,
// misc/wasm before.
func wasmExec(ctx context.Context, goCmd string) (string, error) {
	out, err := exec.CommandContext(ctx, goCmd, "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	goroot := strings.TrimSpace(string(out))
	for _, rel := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		p := filepath.Join(goroot, rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no wasm_exec.js under %s (lib/wasm or misc/wasm)", goroot)
}

func findGo(goCmd string) (string, error) {
	if goCmd != "" {
		return goCmd, nil
	}
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return p, nil
	}
	return "", fmt.Errorf("pare serve builds the page with the Go toolchain, and there is no go command on PATH " +
		"(install Go, or build the page yourself: GOOS=js GOARCH=wasm go build -o pare.wasm ./wasm/cmd/parewasm, and pass --wasm pare.wasm)")
}

// FindSource returns the root of pare's source tree: the working directory
// or a folder above it whose go.mod declares pare's module, else the
// module this file was compiled from (a checkout or the module cache),
// when it is still there.
func FindSource() (string, error) {
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if isPareRoot(d) {
				return d, nil
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		if d := filepath.Dir(filepath.Dir(file)); isPareRoot(d) {
			return d, nil
		}
	}
	return "", fmt.Errorf("pare serve builds the page from pare's source and cannot find it: run it inside a checkout of pare " +
		"(go run ./cmd/pare serve), or pass --wasm with a pare.wasm built by GOOS=js GOARCH=wasm go build ./wasm/cmd/parewasm")
}

func isPareRoot(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fs := strings.Fields(sc.Text()); len(fs) == 2 && fs[0] == "module" && strings.Trim(fs[1], `"`) == ModulePath {
			return true
		}
	}
	return false
}
