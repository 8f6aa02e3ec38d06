package sampler_test

// This test compares images with package tmp's SSIM; tmp imports sampler,
// so it lives in the external test package.

import (
	"context"
	"math"
	"testing"

	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp"
	"github.com/pare-ml/pare/tmp/sampler"
)

// TestTinySamplers: every sampler draws digits from the tiny model: values
// nominally in [−1, 1], and the ODE samplers agree with each other.
func TestTinySamplers(t *testing.T) {
	m, _ := sampler.LoadGolden(t)
	labels := []int{0, 7}
	n, c, s := len(labels), m.Config.InChannels, m.Config.InputSize
	run := func(kind string, steps int, p tensor.Precision) []float32 {
		x, err := sampler.Sample(context.Background(), sampler.DiT(m), sampler.Options{Sampler: kind, Steps: steps, CFG: 2, Labels: labels, Seed: 1,
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
	ref := run(sampler.Euler, 50, tensor.PrecF32)
	for _, k := range []struct {
		kind    string
		steps   int
		minSSIM float64
	}{{sampler.Euler, 8, 0.5}, {sampler.DDIM, 50, 0.8}, {sampler.DDIM, 8, 0.5}, {sampler.DDPM, 50, 0}} {
		x := run(k.kind, k.steps, tensor.PrecF32)
		out := 0
		for _, v := range x {
			if math.Abs(float64(v)) > 1.1 {
				out++
			}
		}
		v := ssim(x, ref)
		t.Logf("%s %d steps: SSIM %.3f against 50 sampler.Euler steps; %d of %d values outside ±1.1", k.kind, k.steps, v, out, len(x))
		if out > len(x)/20 {
			t.Errorf("%s: %d of %d values outside ±1.1", k.kind, out, len(x))
		}
		if v < k.minSSIM {
			t.Errorf("%s %d steps: SSIM %.3f against 50 sampler.Euler steps, want >= %.2f", k.kind, k.steps, v, k.minSSIM)
		}
	}
	for _, p := range tensor.Precisions[1:] {
		t.Logf("euler 50 steps at %v: SSIM %.4f against f32", p, ssim(run(sampler.Euler, 50, p), ref))
	}
}
