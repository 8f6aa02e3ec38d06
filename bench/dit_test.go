package bench

import (
	"context"
	"testing"
	"time"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp/sampler"
)

func TestDiTStep(t *testing.T) {
	cfg := dit.Config{InputSize: 8, PatchSize: 4, InChannels: 1, HiddenSize: 32, Depth: 1, NumHeads: 2,
		MLPRatio: 2, NumClasses: 3, LearnSigma: true, Objective: "epsilon"}
	m, err := sampler.RandomDiT(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	spec := DiTSpec{Model: m, Name: "small", Batches: []int{1, 2},
		Precisions: []tensor.Precision{tensor.PrecF32, tensor.PrecInt4}, Threads: []int{1}, MinTime: time.Nanosecond}
	var emitted int
	rs, err := DiTStep(context.Background(), spec, func(DiTResult) { emitted++ })
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 4 || emitted != 4 {
		t.Fatalf("%d results, %d emitted; want 4", len(rs), emitted)
	}
	for i, r := range rs {
		if r.Op != "dit_step" || r.Model != "small" || !r.CFG || r.Threads != 1 || r.Reps < 3 ||
			r.Seconds <= 0 || r.Best > r.Seconds || r.StepsPerS != 1/r.Seconds {
			t.Errorf("result %d: %+v", i, r)
		}
		if want := []int{1, 1, 2, 2}[i]; r.Batch != want {
			t.Errorf("result %d: batch %d, want %d", i, r.Batch, want)
		}
	}
	if rs[1].Precision != "int4" || rs[1].Path != "pare-"+tensor.GemmInt4Path() {
		t.Errorf("int4 result: %+v", rs[1])
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := DiTStep(ctx, spec, nil); err == nil {
		t.Error("a cancelled context gave no error")
	}
	spec.Batches = []int{0}
	if _, err := DiTStep(context.Background(), spec, nil); err == nil {
		t.Error("batch 0 gave no error")
	}
	if _, err := DiTStep(context.Background(), DiTSpec{}, nil); err == nil {
		t.Error("no model gave no error")
	}
}
