package sampler

import (
	"context"
	"math"
	"runtime"
	"testing"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tensor"
)

// tinyConfig is a random DiT small enough for qemu and wasm: 8×8 RGB, 16
// tokens, hidden 32.
func tinyConfig(objective string) dit.Config {
	return dit.Config{InputSize: 8, PatchSize: 2, InChannels: 3, HiddenSize: 32, Depth: 2, NumHeads: 2,
		MLPRatio: 2, NumClasses: 3, ClassLabels: []string{"a", "b", "c"}, Objective: objective, TimestepScale: 1000}
}

func tinyDiT(t testing.TB, objective string) *dit.Model {
	t.Helper()
	m, err := RandomDiT(tinyConfig(objective), 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func maxAbsDiff(a, b []float32) float64 {
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

func rms(a []float32) float64 {
	s := 0.0
	for _, v := range a {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(len(a)))
}

// TestSaveLoadDiT: a random DiT written by SaveDiT loads back with dit.Load
// and computes the same bits.
func TestSaveLoadDiT(t *testing.T) {
	m := tinyDiT(t, "rectified_flow")
	dir := t.TempDir()
	if err := SaveDiT(dir, m); err != nil {
		t.Fatal(err)
	}
	back, err := dit.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Steps: 3, CFG: 2, Labels: []int{0, 2}, Seed: 4}
	a, err := Sample(context.Background(), DiT(m), opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Sample(context.Background(), DiT(back), opt)
	if err != nil {
		t.Fatal(err)
	}
	if maxAbsDiff(a, b) != 0 {
		t.Errorf("loaded model differs by %g", maxAbsDiff(a, b))
	}
}

// TestDiTDeterminism: the same seed gives the same bits, for GOMAXPROCS 1
// and 2, for every sampler.
func TestDiTDeterminism(t *testing.T) {
	m := tinyDiT(t, "rectified_flow")
	for _, kind := range Samplers {
		opt := Options{Sampler: kind, Steps: 4, CFG: 2.5, Labels: []int{0, 1, 2, 3}, Seed: 42,
			Hook: testSchedule{tensor.PrecF32, tensor.PrecInt8, tensor.PrecBF16, tensor.PrecInt4}.Hook(false)}
		var runs [][]float32
		for _, procs := range []int{1, 2, 2} {
			old := runtime.GOMAXPROCS(procs)
			x, err := Sample(context.Background(), DiT(m), opt)
			runtime.GOMAXPROCS(old)
			if err != nil {
				t.Fatal(err)
			}
			runs = append(runs, x)
		}
		for i := 1; i < len(runs); i++ {
			if d := maxAbsDiff(runs[0], runs[i]); d != 0 {
				t.Errorf("%s: run %d differs by %g", kind, i, d)
			}
		}
	}
}

// TestDiTSamplers: every sampler gives finite images, and the ODE samplers
// converge to the same image as the step count grows (DDIM is Euler on the
// same ODE in other coordinates, see vp.go).
func TestDiTSamplers(t *testing.T) {
	m := tinyDiT(t, "rectified_flow")
	run := func(kind string, steps int, prec tensor.Precision) []float32 {
		x, err := Sample(context.Background(), DiT(m), Options{Sampler: kind, Steps: steps, CFG: 2, Labels: []int{0, 3}, Seed: 3,
			Hook: func(int, int, float64) StepConfig { return StepConfig{Precision: prec} }})
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	ref := run(Euler, 100, tensor.PrecF32)
	scale := rms(ref)
	t.Logf("100-step Euler: rms %.3f", scale)
	for _, c := range []struct {
		kind  string
		steps int
		tol   float64 // max abs difference to the reference, relative to its rms
	}{
		{Euler, 25, 0.07},
		{DDIM, 25, 0.1},
		{DDIM, 100, 0.03},       // starts at t ≈ 0.9937 from noise/(α+σ), not at t = 1
		{DDPM, 25, math.Inf(1)}, // stochastic: finite only
	} {
		x := run(c.kind, c.steps, tensor.PrecF32)
		d := maxAbsDiff(x, ref) / scale
		t.Logf("%s %d steps: max |x − ref| / rms(ref) = %.4f, rms %.3f", c.kind, c.steps, d, rms(x))
		if d > c.tol {
			t.Errorf("%s %d steps: %.4f from the reference, want <= %g", c.kind, c.steps, d, c.tol)
		}
	}
	for _, p := range tensor.Precisions[1:] {
		x := run(Euler, 8, p)
		t.Logf("euler 8 steps at %v: %.4f from f32", p, maxAbsDiff(x, run(Euler, 8, tensor.PrecF32))/scale)
	}
}

// TestDiTEpsilon: an epsilon model (with learned variance) runs under DDIM
// and DDPM, and not under Euler.
func TestDiTEpsilon(t *testing.T) {
	cfg := tinyConfig("epsilon")
	cfg.LearnSigma = true
	m, err := RandomDiT(cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"", DDIM, DDPM} {
		if _, err := Sample(context.Background(), DiT(m), Options{Sampler: kind, Steps: 5, CFG: 1.5, Labels: []int{1}, Seed: 1}); err != nil {
			t.Errorf("%q: %v", kind, err)
		}
	}
	if _, err := Sample(context.Background(), DiT(m), Options{Sampler: Euler, Steps: 5, Labels: []int{1}}); err == nil {
		t.Error("euler on an epsilon model: no error")
	}
}
