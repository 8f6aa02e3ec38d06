package dit_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/model/safetensors"
	"github.com/pare-ml/pare/tensor"
)

// tinyDir holds pare's tiny DiT and its golden file, written by
// scripts/tiny_dit/train.py and scripts/tiny_dit/export.py (PyTorch, f32).
var tinyDir = filepath.Join("..", "tiny", "dit")

// loadGolden loads the tiny DiT and golden.safetensors, or skips the test
// while they are not in the tree.
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

// goldenInts reads an I32 or I64 tensor.
func goldenInts(t *testing.T, g *safetensors.File, name string) []int {
	t.Helper()
	info, ok := g.Info(name)
	if !ok {
		t.Fatalf("golden file has no %q", name)
	}
	b, err := g.Bytes(name)
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	switch info.DType {
	case safetensors.I32:
		for i := 0; i+4 <= len(b); i += 4 {
			out = append(out, int(int32(binary.LittleEndian.Uint32(b[i:]))))
		}
	case safetensors.I64:
		for i := 0; i+8 <= len(b); i += 8 {
			out = append(out, int(int64(binary.LittleEndian.Uint64(b[i:]))))
		}
	default:
		t.Fatalf("%s has dtype %s, want I32 or I64", name, info.DType)
	}
	return out
}

// TestGoldenForward: the tiny DiT's output matches PyTorch's to a relative
// error of 1e-4 in f32 (max |Δ| / max |ref|); bf16 and int8 are logged
// with their error. (refForward is checked against Forward on random
// models; it is too slow here under qemu.)
func TestGoldenForward(t *testing.T) {
	m, g := loadGolden(t)
	x := goldenF32(t, g, "forward.x")
	ts := goldenF32(t, g, "forward.timestep")
	y := goldenInts(t, g, "forward.y")
	want := goldenF32(t, g, "forward.out")
	ref := make([]float64, len(want))
	for i, v := range want {
		ref[i] = float64(v)
	}
	if y[len(y)-1] != m.Config.NumClasses {
		t.Errorf("golden labels %v: the last should be the null class %d", y, m.Config.NumClasses)
	}
	for _, p := range []tensor.Precision{tensor.PrecF32, tensor.PrecBF16, tensor.PrecInt8} {
		out, err := m.Forward(x, len(y), ts, y, dit.Options{Precision: p})
		if err != nil {
			t.Fatal(err)
		}
		e := relErr(out, ref)
		t.Logf("%v: relative error %.3g against PyTorch f32", p, e)
		if p == tensor.PrecF32 && e > 1e-4 {
			t.Errorf("f32: relative error %.3g, want <= 1e-4", e)
		}
	}
}
