package sampler

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/model/safetensors"
	"github.com/pare-ml/pare/tensor"
)

// DiTS2 is the configuration of DiT-S/2 (Peebles and Xie 2023) on the
// 32×32×4 latents of a 256² image: hidden 384, depth 12, 6 heads, patch 2
// (256 tokens), 1000 ImageNet classes, epsilon objective with learned
// variance. With RandomDiT it measures speed at a realistic size.
func DiTS2() dit.Config {
	return dit.Config{InputSize: 32, PatchSize: 2, InChannels: 4, HiddenSize: 384, Depth: 12,
		NumHeads: 6, MLPRatio: 4, NumClasses: 1000, LearnSigma: true, Objective: "epsilon"}
}

// RandomDiT builds a DiT of the given configuration with random weights
// from seed: Gaussian with standard deviation 1/sqrt(fan-in) (a tenth of
// that for the adaLN modulations, so the blocks stay near identity), small
// biases, unit-variance class embeddings and the fixed 2-D sin-cos
// position embedding. It is for tests and benchmarks.
func RandomDiT(cfg dit.Config, seed uint64) (*dit.Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sampler: random DiT: %w", err)
	}
	r := rand.New(rand.NewPCG(seed, 0x646974)) // "dit"
	normal := func(n int, std float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.NormFloat64() * std)
		}
		return v
	}
	lin := func(out, in int, gain float64) *tensor.Linear {
		return tensor.NewLinear(normal(out*in, gain/math.Sqrt(float64(in))), normal(out, 0.02), out, in)
	}
	h, p, c := cfg.HiddenSize, cfg.PatchSize, cfg.InChannels
	m := &dit.Model{
		Config:   cfg,
		PatchW:   lin(h, c*p*p, 1),
		PosEmbed: dit.PosEmbed2D(h, cfg.InputSize/p),
		TMLP1:    lin(h, dit.FreqDim, 1),
		TMLP2:    lin(h, h, 1),
		YEmbed:   normal((cfg.NumClasses+1)*h, 1),
	}
	mh := cfg.MLPHidden()
	for i := 0; i < cfg.Depth; i++ {
		m.Blocks = append(m.Blocks, &dit.Block{
			QKV: lin(3*h, h, 1), Proj: lin(h, h, 1), FC1: lin(mh, h, 1), FC2: lin(h, mh, 1),
			Mod: lin(6*h, h, 0.1),
		})
	}
	m.FinalMod = lin(2*h, h, 0.1)
	m.Final = lin(p*p*cfg.OutChannels(), h, 1)
	return m, nil
}

// SaveDiT writes m as config.json and model.safetensors (f32, DiT's
// parameter names, pos_embed included) into dir, which dit.Load reads back.
func SaveDiT(dir string, m *dit.Model) error {
	cfg, err := json.MarshalIndent(m.Config, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), append(cfg, '\n'), 0o644); err != nil {
		return err
	}
	c := &m.Config
	h, p := c.HiddenSize, c.PatchSize
	ts := []safetensors.Tensor{
		safetensors.FromFloat32("pos_embed", []int{1, c.Tokens(), h}, m.PosEmbed),
		safetensors.FromFloat32("y_embedder.embedding_table.weight", []int{c.NumClasses + 1, h}, m.YEmbed),
	}
	for _, l := range m.Linears() {
		shape := []int{l.Out, l.In}
		if l.Name == "x_embedder.proj" {
			shape = []int{h, c.InChannels, p, p}
		}
		ts = append(ts, safetensors.FromFloat32(l.Name+".weight", shape, l.W))
		if l.Bias != nil {
			ts = append(ts, safetensors.FromFloat32(l.Name+".bias", []int{l.Out}, l.Bias))
		}
	}
	meta := map[string]string{"format": "pt", "model": "random DiT (" + strings.TrimSpace(c.Objective) + ")"}
	return safetensors.Write(filepath.Join(dir, "model.safetensors"), ts, meta)
}
