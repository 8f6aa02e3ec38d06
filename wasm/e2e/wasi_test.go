package e2e

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// writePNG writes a 32×32 grey test image: a gradient, plus noise when
// seed is not 0.
func writePNG(t *testing.T, path string, seed int) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 32, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 32; x++ {
			v := 8*x + 4*y
			if seed != 0 {
				v += (x*7+y*13+seed)%23 - 11
			}
			img.SetGray(x, y, color.Gray{uint8(min(255, max(0, v)))})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runWASI runs a wasip1 module under wazero with dir mounted at /data.
func runWASI(t *testing.T, wasm []byte, dir string, args ...string) (stdout, stderr string, code uint32) {
	t.Helper()
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	mod, err := r.CompileModule(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	cfg := wazero.NewModuleConfig().WithArgs(append([]string{"pare"}, args...)...).
		WithStdout(&out).WithStderr(&errb).
		WithFSConfig(wazero.NewFSConfig().WithDirMount(dir, "/data"))
	_, err = r.InstantiateModule(ctx, mod, cfg)
	var exit *sys.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("pare %s under wazero: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String(), code
}

// TestWASIP1 builds pare for wasip1 and runs commands of it under wazero:
// `pare info` and `pare metrics`, whose SSIM must match the native one.
func TestWASIP1(t *testing.T) {
	dir := t.TempDir()
	wasmPath := filepath.Join(dir, "pare.wasm")
	if err := goCmd([]string{"GOOS=wasip1", "GOARCH=wasm"}, "build", "-o", wasmPath, "./cmd/pare"); err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		t.Fatal(err)
	}
	writePNG(t, filepath.Join(dir, "a.png"), 0)
	writePNG(t, filepath.Join(dir, "b.png"), 5)

	out, errOut, code := runWASI(t, wasm, dir, "info")
	if code != 0 || !strings.Contains(out, "simd level: generic") || !strings.Contains(out, "wasip1/wasm") {
		t.Errorf("pare info exited %d:\n%s%s", code, out, errOut)
	}

	out, errOut, code = runWASI(t, wasm, dir, "metrics", "ssim", "/data/a.png", "/data/b.png")
	if code != 0 {
		t.Fatalf("pare metrics exited %d: %s", code, errOut)
	}
	got, err := strconv.ParseFloat(strings.TrimSpace(out), 64)
	if err != nil {
		t.Fatalf("pare metrics printed %q", out)
	}
	native, err := exec.Command(pareBinary(t), "metrics", "ssim", filepath.Join(dir, "a.png"), filepath.Join(dir, "b.png")).Output()
	if err != nil {
		t.Fatal(err)
	}
	want, err := strconv.ParseFloat(strings.TrimSpace(string(native)), 64)
	if err != nil {
		t.Fatal(err)
	}
	if got <= 0 || got >= 1 || got-want > 1e-6 || want-got > 1e-6 {
		t.Errorf("SSIM under wazero %v, native %v", got, want)
	}
	t.Logf("SSIM %v under wasip1 and natively", got)

	// Bad input is an error with status 1 or 2, not a crash.
	_, errOut, code = runWASI(t, wasm, dir, "metrics", "ssim", "/data/a.png", "/data/missing.png")
	if code == 0 || !strings.Contains(errOut, "missing.png") {
		t.Errorf("metrics on a missing file: status %d, %q", code, errOut)
	}
}
