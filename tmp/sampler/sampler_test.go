package sampler

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/pare-ml/pare/tensor"
)

func meanStd(x []float32) (float64, float64) {
	var s, s2 float64
	for _, v := range x {
		s += float64(v)
	}
	m := s / float64(len(x))
	for _, v := range x {
		s2 += (float64(v) - m) * (float64(v) - m)
	}
	return m, math.Sqrt(s2 / float64(len(x)))
}

// TestPointMass: for data that is a single image, the exact prediction
// leads every sampler exactly to it, whatever the step count; this checks
// the rectified-flow ↔ VP conversion of DDIM and DDPM.
func TestPointMass(t *testing.T) {
	for _, obj := range []string{"rectified_flow", "epsilon"} {
		for _, kind := range Samplers {
			if obj == "epsilon" && kind == Euler {
				continue
			}
			for _, steps := range []int{1, 3, 20} {
				g := &gaussian{objective: obj, c: 2, size: 4, classes: 3}
				labels := []int{0, 1, 2, 3}
				x, err := Sample(context.Background(), g, Options{Sampler: kind, Steps: steps, Labels: labels, Seed: 5})
				if err != nil {
					t.Fatal(err)
				}
				per := 2 * 4 * 4
				for i, l := range labels {
					for _, v := range x[i*per : (i+1)*per] {
						// An epsilon model divides by α ≈ 0.0064 at the first
						// step, which scales up float32 rounding.
						if d := math.Abs(float64(v) - g.mu(l)); d > 1e-4 {
							t.Fatalf("%s %s %d steps: image %d (label %d) has %v, want %v", obj, kind, steps, i, l, v, g.mu(l))
						}
					}
				}
				if len(g.calls) != steps {
					t.Errorf("%s %s: %d model calls for %d steps", obj, kind, len(g.calls), steps)
				}
			}
		}
	}
}

// TestGaussianData: with data N(mu, 0.5²) every sampler must produce that
// distribution from seeded noise. DDPM with "fixed small" variances
// underestimates the spread at few steps (0.41 at 25 steps, 0.47 at 100,
// 0.49 at 400), so it runs 500.
func TestGaussianData(t *testing.T) {
	const std = 0.5
	for _, obj := range []string{"rectified_flow", "epsilon"} {
		for _, kind := range Samplers {
			if obj == "epsilon" && kind == Euler {
				continue
			}
			g := &gaussian{objective: obj, c: 1, size: 16, classes: 4, std: std}
			labels := make([]int, 16)
			for i := range labels {
				labels[i] = 3
			}
			steps := 100
			if kind == DDPM {
				steps = 500
			}
			x, err := Sample(context.Background(), g, Options{Sampler: kind, Steps: steps, Labels: labels, Seed: 11})
			if err != nil {
				t.Fatal(err)
			}
			m, s := meanStd(x)
			t.Logf("%s %s: mean %.4f (want %.4f), std %.4f (want %.4f)", obj, kind, m, g.mu(3), s, std)
			if math.Abs(m-g.mu(3)) > 0.03 || math.Abs(s-std) > 0.03 {
				t.Errorf("%s %s: mean %.4f std %.4f, want %.4f and %.4f", obj, kind, m, s, g.mu(3), std)
			}
		}
	}
}

// TestGuidance checks the batch layout [cond; uncond], the mix
// uncond + w·(cond − uncond), the dropped variance channels and the time
// fed to the model.
func TestGuidance(t *testing.T) {
	noise := []float32{0.1, -0.2, 0.3, 0.4, 1, 2, 3, 4}
	for _, w := range []float64{0, 1, 2.5} {
		a := &affine{classes: 5}
		x, err := Sample(context.Background(), a, Options{Steps: 2, CFG: w, Labels: []int{1, 4}, Noise: noise})
		if err != nil {
			t.Fatal(err)
		}
		guided := w != 0 && w != 1
		if len(a.calls) != 2 {
			t.Fatalf("cfg %v: %d calls", w, len(a.calls))
		}
		for s, c := range a.calls {
			wantY := []int{1, 4}
			if guided {
				wantY = []int{1, 4, 5, 5}
			}
			if fmt.Sprint(c.y) != fmt.Sprint(wantY) {
				t.Errorf("cfg %v step %d: labels %v, want %v", w, s, c.y, wantY)
			}
			tm := float32(1000 - 500*s)
			for _, v := range c.t {
				if v != tm {
					t.Errorf("cfg %v step %d: model time %v, want %v", w, s, v, tm)
				}
			}
		}
		// Replay the two Euler steps by hand.
		want := append([]float32(nil), noise...)
		for s, t0 := range []float32{1, 0.5} {
			for j := range want {
				y := []int{1, 4}[j/4]
				c := a.value(want[j], t0*1000, y)
				v := c
				if guided {
					u := a.value(want[j], t0*1000, 5)
					v = u + float32(float32(w)*float32(c-u))
				}
				want[j] += float32(-0.5 * v)
			}
			_ = s
		}
		for j := range want {
			if x[j] != want[j] {
				t.Fatalf("cfg %v: x[%d] = %v, want %v", w, j, x[j], want[j])
			}
		}
	}
}

func TestHook(t *testing.T) {
	for _, kind := range Samplers {
		a := &affine{classes: 2}
		sched := testSchedule{tensor.PrecF32, tensor.PrecInt8, tensor.PrecInt8, tensor.PrecBF16}
		var steps []int
		var ts []float64
		hook := func(step, total int, tt float64) StepConfig {
			if total != 4 {
				t.Errorf("%s: total %d", kind, total)
			}
			steps = append(steps, step)
			ts = append(ts, tt)
			return sched.Hook(true)(step, total, tt)
		}
		if _, err := Sample(context.Background(), a, Options{Sampler: kind, Steps: 4, CFG: 2, Labels: []int{0}, Hook: hook}); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(steps) != "[0 1 2 3]" {
			t.Errorf("%s: hook steps %v", kind, steps)
		}
		for i, c := range a.calls {
			if c.opt.Precision != sched[i] || !c.opt.KeepFirstLast {
				t.Errorf("%s step %d: model ran with %+v, want %v and KeepFirstLast", kind, i, c.opt, sched[i])
			}
			if i > 0 && !(ts[i] < ts[i-1]) || ts[i] <= 0 || ts[i] > 1 {
				t.Errorf("%s: hook times %v not decreasing in (0, 1]", kind, ts)
			}
		}
		if kind == Euler && ts[0] != 1 {
			t.Errorf("euler starts at t = %v", ts[0])
		}
		if kind != Euler && math.Abs(ts[0]-0.99368) > 1e-4 {
			t.Errorf("%s starts at t = %v, want σ/(α+σ) of step 999 ≈ 0.99368", kind, ts[0])
		}
	}
}

func TestShift(t *testing.T) {
	ts := EulerTimes(4, SD3Shift)
	want := []float32{1, 0.9, 0.75, 0.5, 0} // 3t/(1+2t) at 1, 3/4, 1/2, 1/4, 0
	for i := range ts {
		if math.Abs(float64(ts[i]-want[i])) > 1e-7 {
			t.Fatalf("shifted times %v, want %v", ts, want)
		}
	}
	if fmt.Sprint(EulerTimes(4, 1)) != "[1 0.75 0.5 0.25 0]" || fmt.Sprint(EulerTimes(2, 0)) != "[1 0.5 0]" {
		t.Errorf("unshifted times %v", EulerTimes(4, 1))
	}
}

func TestVPSchedule(t *testing.T) {
	if math.Abs(alphaBar[999]-4.0358e-5)/4.0358e-5 > 1e-3 || math.Abs(alphaBar[0]-0.9999) > 1e-12 {
		t.Errorf("ᾱ_0 = %v, ᾱ_999 = %v", alphaBar[0], alphaBar[999])
	}
	for _, c := range []struct {
		steps       int
		first, last int
	}{{1, 999, 999}, {2, 999, 499}, {50, 999, 19}, {1000, 999, 0}, {3, 999, 332}} {
		s := VPSteps(c.steps)
		if len(s) != c.steps || s[0] != c.first || s[len(s)-1] != c.last {
			t.Errorf("VPSteps(%d) = %v…%v, want %d…%d", c.steps, s[0], s[len(s)-1], c.first, c.last)
		}
		for i := 1; i < len(s); i++ {
			if s[i] >= s[i-1] {
				t.Errorf("VPSteps(%d) not decreasing at %d", c.steps, i)
			}
		}
	}
	if FlowTime(999) <= FlowTime(500) || FlowTime(0) > 0.01 {
		t.Errorf("flow times %v %v %v", FlowTime(0), FlowTime(500), FlowTime(999))
	}
}

// TestStreams: image i's noise does not depend on the images beside it,
// and DDPM's per-step noise comes from the same per-image stream.
func TestStreams(t *testing.T) {
	for _, kind := range Samplers {
		g := &gaussian{objective: "rectified_flow", c: 1, size: 4, classes: 3, std: 0.3}
		one, err := Sample(context.Background(), g, Options{Sampler: kind, Steps: 5, Labels: []int{2}, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		three, err := Sample(context.Background(), g, Options{Sampler: kind, Steps: 5, Labels: []int{2, 0, 1}, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		for j := range one {
			if one[j] != three[j] {
				t.Fatalf("%s: image 0 differs when sampled with others", kind)
			}
		}
		other, _ := Sample(context.Background(), g, Options{Sampler: kind, Steps: 5, Labels: []int{2}, Seed: 10})
		if fmt.Sprint(one) == fmt.Sprint(other) {
			t.Errorf("%s: seeds 9 and 10 give the same image", kind)
		}
		// Explicit noise equal to the seeded noise gives the same result.
		given, _ := Sample(context.Background(), g, Options{Sampler: kind, Steps: 5, Labels: []int{2}, Seed: 9, Noise: Noise(9, 1, 16)})
		if fmt.Sprint(one) != fmt.Sprint(given) && kind != DDPM {
			t.Errorf("%s: Noise(seed) differs from the seeded run", kind)
		}
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	rf := &gaussian{objective: "rectified_flow", c: 1, size: 2, classes: 3}
	eps := &gaussian{objective: "epsilon", c: 1, size: 2, classes: 3}
	ok := Options{Steps: 2, Labels: []int{0}}
	with := func(f func(*Options)) Options { o := ok; f(&o); return o }
	cases := []struct {
		name string
		d    Denoiser
		opt  Options
		want string
	}{
		{"zero steps", rf, with(func(o *Options) { o.Steps = 0 }), "steps must be positive"},
		{"negative steps", rf, with(func(o *Options) { o.Steps = -3 }), "steps must be positive"},
		{"too many ddim steps", rf, with(func(o *Options) { o.Sampler = DDIM; o.Steps = 1001 }), "at most 1000"},
		{"unknown sampler", rf, with(func(o *Options) { o.Sampler = "heun" }), `unknown sampler "heun" (have euler, ddim, ddpm)`},
		{"label too big", rf, with(func(o *Options) { o.Labels = []int{0, 4} }), "label 4 of image 1 outside 0..3"},
		{"negative label", rf, with(func(o *Options) { o.Labels = []int{-1} }), "label -1"},
		{"no labels", rf, with(func(o *Options) { o.Labels = nil }), "no labels"},
		{"noise length", rf, with(func(o *Options) { o.Noise = make([]float32, 5) }), "noise has 5 values"},
		{"nan cfg", rf, with(func(o *Options) { o.CFG = math.NaN() }), "cfg must be"},
		{"negative cfg", rf, with(func(o *Options) { o.CFG = -1 }), "cfg must be"},
		{"negative shift", rf, with(func(o *Options) { o.Shift = -1 }), "shift must be"},
		{"euler on epsilon", eps, with(func(o *Options) { o.Sampler = Euler }), "euler needs a rectified_flow model"},
		{"nan from model", &affine{classes: 2, nan: true}, ok, "non-finite value"},
		{"bad objective", &gaussian{objective: "v", c: 1, size: 2, classes: 3}, ok, "unknown objective"},
	}
	for _, c := range cases {
		_, err := Sample(ctx, c.d, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	// The null class is a valid label (an unconditional image).
	if _, err := Sample(ctx, rf, with(func(o *Options) { o.Labels = []int{3} })); err != nil {
		t.Errorf("null-class label: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	steps := 0
	_, err := Sample(cctx, rf, with(func(o *Options) {
		o.Steps = 10
		o.Hook = func(step, total int, tt float64) StepConfig {
			if steps++; step == 3 {
				cancel()
			}
			return StepConfig{Precision: tensor.PrecF32}
		}
	}))
	if !errors.Is(err, context.Canceled) || steps != 4 {
		t.Errorf("cancelled at step 3: error %v after %d steps", err, steps)
	}
}
