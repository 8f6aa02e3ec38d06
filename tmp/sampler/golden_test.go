package sampler

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/model/safetensors"
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
