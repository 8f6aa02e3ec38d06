package tmp

import (
	"context"
	"math"
	"testing"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tmp/sampler"
)

// randomDiT is a tiny random 16×16 grey DiT: enough for SSIM's window,
// cheap enough for qemu and wasm.
func randomDiT(t testing.TB) *dit.Model {
	t.Helper()
	cfg := dit.Config{InputSize: 16, PatchSize: 4, InChannels: 1, HiddenSize: 32, Depth: 1, NumHeads: 2,
		MLPRatio: 2, NumClasses: 2, Objective: "rectified_flow", TimestepScale: 1000}
	m, err := sampler.RandomDiT(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newTestEvaluator(t testing.TB, m *dit.Model) *DiTEvaluator {
	t.Helper()
	ev, err := NewDiTEvaluator(context.Background(), m, DiTEvalOptions{
		Labels: []int{1}, Seeds: []uint64{3, 4}, Steps: 4, CFG: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestDiTEvaluator(t *testing.T) {
	m := randomDiT(t)
	ev := newTestEvaluator(t, m)
	if ev.Len() != 2 || len(ev.ReferenceImages()) != 2 {
		t.Fatalf("%d images, want 2", ev.Len())
	}
	ctx := context.Background()
	q, err := ev.Evaluate(ctx, Uniform(pF32, 4))
	if err != nil {
		t.Fatal(err)
	}
	if q.SSIM != 1 || q.MSE != 0 || !math.IsInf(q.PSNR, 1) || !(q.Seconds > 0) {
		t.Errorf("reference schedule: %+v, want SSIM 1, MSE 0, PSNR +Inf, positive seconds", q)
	}
	low, err := ev.Evaluate(ctx, Uniform(pInt4, 4))
	if err != nil {
		t.Fatal(err)
	}
	if !(low.SSIM < 1) || !(low.MSE > 0) || math.IsInf(low.PSNR, 0) {
		t.Errorf("int4: %+v, want SSIM < 1, MSE > 0, finite PSNR", low)
	}
	t.Logf("int4 against f32: SSIM %.4f, PSNR %.2f dB, MSE %.3g", low.SSIM, low.PSNR, low.MSE)
	mixed, _ := ParseSchedule("f32:2,int8:2", 4)
	a, err := ev.Evaluate(ctx, mixed)
	if err != nil {
		t.Fatal(err)
	}
	// Determinism: the same schedule, and a second evaluator, give the
	// same images.
	b, _ := ev.Evaluate(ctx, mixed)
	c, err := newTestEvaluator(t, randomDiT(t)).Evaluate(ctx, mixed)
	if err != nil {
		t.Fatal(err)
	}
	if a.SSIM != b.SSIM || a.MSE != b.MSE || a.SSIM != c.SSIM || a.MSE != c.MSE {
		t.Errorf("same schedule, different quality: %+v, %+v, %+v", a, b, c)
	}
	// Images of seed 3 are those pare sample draws with --seed 3.
	imgs, err := ev.Images(ctx, mixed)
	if err != nil {
		t.Fatal(err)
	}
	x, err := sampler.Sample(ctx, sampler.DiT(m), sampler.Options{Steps: 4, CFG: 2, Labels: []int{1}, Seed: 4, Hook: mixed.Hook(false)})
	if err != nil {
		t.Fatal(err)
	}
	one, _ := sampler.Images(x, 1, 1, 16, 16)
	if v, err := SSIM(FromImage(imgs[1]), FromImage(one[0])); err != nil || v != 1 {
		t.Errorf("image of seed 4 differs from sampling seed 4 alone: SSIM %v, %v", v, err)
	}
	// Errors.
	if _, err := ev.Evaluate(ctx, Uniform(pF32, 3)); err == nil {
		t.Error("a schedule of 3 steps for 4: no error")
	}
	if _, err := ev.Evaluate(ctx, Schedule{pF32, pF32, pF32, Precision(9)}); err == nil {
		t.Error("unknown precision: no error")
	}
	for _, bad := range []DiTEvalOptions{{Seeds: []uint64{1}, Steps: 2}, {Labels: []int{0}, Steps: 2}, {Labels: []int{0}, Seeds: []uint64{1}}, {Labels: []int{7}, Seeds: []uint64{1}, Steps: 1}} {
		if _, err := NewDiTEvaluator(ctx, m, bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

func TestDiTStep(t *testing.T) {
	m := randomDiT(t)
	step, err := DiTStep(m, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := PrepareDiT(m, Precisions); err != nil {
		t.Fatal(err)
	}
	prof, err := Measure(context.Background(), step, []Precision{pF32, pInt8}, 1)
	if err != nil || len(prof.Seconds) != 2 {
		t.Fatalf("%+v, %v", prof, err)
	}
	if _, err := DiTStep(m, 0, false); err == nil {
		t.Error("batch 0: no error")
	}
}
