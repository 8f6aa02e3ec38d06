package sampler_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp"
	"github.com/pare-ml/pare/tmp/sampler"
)

// This file is an external test so that it may use package tmp's SSIM
// even once tmp imports this package.

// tinyModel loads the tiny DiT (see loadGolden) or skips.
func tinyModel(t *testing.T) *dit.Model {
	t.Helper()
	dir := filepath.Join("..", "..", "model", "tiny", "dit")
	if d := os.Getenv("PARE_TINY_DIT"); d != "" {
		dir = d
	}
	for _, f := range []string{"config.json", "model.safetensors"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Skipf("model/tiny/dit/%s is not there yet (made by scripts/tiny_dit/train.py): %v", f, err)
		}
	}
	m, err := dit.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTinySamplers: every sampler draws digits from the tiny model, with
// values nominally in [−1, 1]; sampler.DDIM and lower precisions stay close to the
// f32 Euler image (SSIM). Six steps of one label; skipped with -short.
func TestTinySamplers(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	m := tinyModel(t)
	labels := []int{7}
	n, c, s := len(labels), m.Config.InChannels, m.Config.InputSize
	run := func(kind string, p tensor.Precision) []float32 {
		x, err := sampler.Sample(context.Background(), sampler.DiT(m), sampler.Options{Sampler: kind, Steps: 6, CFG: 2, Labels: labels, Seed: 1,
			Hook: func(int, int, float64) sampler.StepConfig { return sampler.StepConfig{Precision: p} }})
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	ssim := func(a, b []float32) float64 {
		ia, _ := sampler.Images(a, n, c, s, s)
		ib, _ := sampler.Images(b, n, c, s, s)
		ga, _ := sampler.Grid(ia, 1, n)
		gb, _ := sampler.Grid(ib, 1, n)
		v, err := tmp.SSIM(tmp.FromImage(ga), tmp.FromImage(gb))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ref := run(sampler.Euler, tensor.PrecF32)
	for _, k := range []struct {
		kind    string
		p       tensor.Precision
		minSSIM float64
	}{{sampler.Euler, tensor.PrecF32, 1}, {sampler.DDIM, tensor.PrecF32, 0.7}, {sampler.DDPM, tensor.PrecF32, -1}, {sampler.Euler, tensor.PrecInt8, 0.9}} {
		x := ref
		if k.kind != sampler.Euler || k.p != tensor.PrecF32 {
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
