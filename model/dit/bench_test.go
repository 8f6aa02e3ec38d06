package dit_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp/sampler"
)

// benchConfigs are the shapes BenchmarkDiTStep measures with random
// weights: DiT-S/2 on 32×32×4 latents (256 tokens) and the shape of pare's
// tiny DiT (32×32 grey pixels, patch 4: 64 tokens).
var benchConfigs = []struct {
	name string
	cfg  func() dit.Config
}{
	{"S2", sampler.DiTS2},
	{"tiny", func() dit.Config {
		return dit.Config{InputSize: 32, PatchSize: 4, InChannels: 1, HiddenSize: 128, Depth: 6, NumHeads: 4,
			MLPRatio: 4, NumClasses: 10, Objective: "rectified_flow", TimestepScale: 1000}
	}},
}

var benchModels sync.Map // name → *dit.Model

func benchModel(b *testing.B, name string, cfg dit.Config) *dit.Model {
	if m, ok := benchModels.Load(name); ok {
		return m.(*dit.Model)
	}
	m, err := sampler.RandomDiT(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	// Model.Prepare(int4) fails on layers whose input is not a multiple
	// of 32 (the tiny model's patch embedding, 16); Forward runs those at
	// int8, so prepare what each layer supports.
	for _, l := range m.Linears() {
		for _, p := range tensor.Precisions {
			if l.Supports(p) {
				if err := l.Prepare(p); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	benchModels.Store(name, m)
	return m
}

// BenchmarkDiTStep times one denoising step with classifier-free
// guidance, as `pare bench dit` does: one forward call on 2·batch rows (the
// batch and its null-class copy), for batch 1 and 8 at every precision.
// images/s counts the batch's images, steps/s the steps.
func BenchmarkDiTStep(b *testing.B) {
	for _, bc := range benchConfigs {
		cfg := bc.cfg()
		for _, n := range []int{1, 8, 40} {
			for _, p := range tensor.Precisions {
				b.Run(fmt.Sprintf("model=%s/batch=%d/%v", bc.name, n, p), func(b *testing.B) {
					m := benchModel(b, bc.name, cfg)
					x, ts, y := randomInput(cfg, n, 1)
					x = append(x, x...)
					ts = append(ts, ts...)
					for range n {
						y = append(y, cfg.NumClasses)
					}
					opt := dit.Options{Precision: p}
					b.ResetTimer()
					for b.Loop() {
						if _, err := m.Forward(x, 2*n, ts, y, opt); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
					b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "images/s")
				})
			}
		}
	}
}
