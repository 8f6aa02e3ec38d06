package sampler

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/model/safetensors"
	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp"
)

// tinyDir holds pare's tiny DiT and its golden file (scripts/tiny_dit).
var tinyDir = filepath.Join("..", "..", "model", "tiny", "dit")

func loadGolden(t *testing.T) (*dit.Model, *safetensors.File) {
	t.Helper()
	dir := tinyDir
	if d := os.Getenv("PARE_TINY_DIT"); d != "" { // another export of scripts/tiny_dit
		dir = d
	}
	for _, f := range []string{"config.json", "model.safetensors", "golden.safetensors"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Skipf("model/tiny/dit/%s is not there yet (made by scripts/tiny_dit/train.py): %v", f, err)
		}
	}
	m, err := dit.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	g, err := safetensors.Open(filepath.Join(dir, "golden.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return m, g
}

func goldenF32(t *testing.T, g *safetensors.File, name string) []float32 {
	t.Helper()
	v, err := g.Float32(name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func goldenLabels(t *testing.T, g *safetensors.File, name string) []int {
	t.Helper()
	b, err := g.Bytes(name)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := g.Info(name); info.DType != safetensors.I32 {
		t.Fatalf("%s has dtype %s, want I32", name, info.DType)
	}
	var out []int
	for i := 0; i+4 <= len(b); i += 4 {
		out = append(out, int(int32(binary.LittleEndian.Uint32(b[i:]))))
	}
	return out
}

// TestGoldenEuler: 8 Euler steps with CFG 2.0 from the stored noise land
// on PyTorch's final image to 1e-3 (errors compound over the steps), on
// the same time grid. With -short only the first image runs (each image's
// run is independent of the others), for qemu and wasm.
func TestGoldenEuler(t *testing.T) {
	m, g := loadGolden(t)
	labels := goldenLabels(t, g, "sample.y")
	noise := goldenF32(t, g, "sample.noise")
	want := goldenF32(t, g, "sample.out")
	grid := goldenF32(t, g, "sample.t")
	steps := len(grid) - 1
	if testing.Short() {
		per := len(noise) / len(labels)
		labels, noise, want = labels[:1], noise[:per], want[:per]
	}
	for i, v := range EulerTimes(steps, 0) {
		if v != grid[i] {
			t.Errorf("time grid %v, PyTorch has %v", EulerTimes(steps, 0), grid)
			break
		}
	}
	x, err := Sample(context.Background(), DiT(m), Options{Sampler: Euler, Steps: steps, CFG: 2, Labels: labels, Noise: noise})
	if err != nil {
		t.Fatal(err)
	}
	d := maxAbsDiff(x, want)
	t.Logf("%d Euler steps, CFG 2: max |x − PyTorch| = %.3g", steps, d)
	if d > 1e-3 {
		t.Errorf("max |x − PyTorch| = %.3g, want <= 1e-3", d)
	}
}

// TestTinySamplers: every sampler draws digits from the tiny model, with
// values nominally in [−1, 1]; DDIM and lower precisions stay close to the
// f32 Euler image (SSIM). Six steps of one label; skipped with -short.
func TestTinySamplers(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	m, _ := loadGolden(t)
	labels := []int{7}
	n, c, s := len(labels), m.Config.InChannels, m.Config.InputSize
	run := func(kind string, p tensor.Precision) []float32 {
		x, err := Sample(context.Background(), DiT(m), Options{Sampler: kind, Steps: 6, CFG: 2, Labels: labels, Seed: 1,
			Hook: func(int, int, float64) StepConfig { return StepConfig{Precision: p} }})
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	ssim := func(a, b []float32) float64 {
		ia, _ := Images(a, n, c, s, s)
		ib, _ := Images(b, n, c, s, s)
		ga, _ := Grid(ia, 1, n)
		gb, _ := Grid(ib, 1, n)
		v, err := tmp.SSIM(tmp.FromImage(ga), tmp.FromImage(gb))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ref := run(Euler, tensor.PrecF32)
	for _, k := range []struct {
		kind    string
		p       tensor.Precision
		minSSIM float64
	}{{Euler, tensor.PrecF32, 1}, {DDIM, tensor.PrecF32, 0.7}, {DDPM, tensor.PrecF32, -1}, {Euler, tensor.PrecInt8, 0.9}} {
		x := ref
		if k.kind != Euler || k.p != tensor.PrecF32 {
			x = run(k.kind, k.p)
		}
		out := 0
		for _, v := range x {
			if math.Abs(float64(v)) > 1.2 {
				out++
			}
		}
		v := ssim(x, ref)
		t.Logf("%s at %v: SSIM %.3f against f32 Euler; %d of %d values outside ±1.2", k.kind, k.p, v, out, len(x))
		if out > len(x)/20 {
			t.Errorf("%s at %v: %d of %d values outside ±1.2", k.kind, k.p, out, len(x))
		}
		if v < k.minSSIM {
			t.Errorf("%s at %v: SSIM %.3f against f32 Euler, want >= %.2f", k.kind, k.p, v, k.minSSIM)
		}
	}
}
