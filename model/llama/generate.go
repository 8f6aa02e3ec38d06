package llama

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/pare-ml/pare/tensor"
)

// GenerateOptions control sampling. Temperature 0 is greedy decoding.
type GenerateOptions struct {
	MaxTokens   int
	Temperature float64
	TopK        int
	Seed        uint64
	Stop        []int // token ids that end generation (e.g. EOS); not returned
	Precision   tensor.Precision
}

// Generate continues prompt with up to MaxTokens new tokens using a KV
// cache; onToken, if not nil, sees each new token as it is chosen.
func (m *Model) Generate(ctx context.Context, prompt []int, opt GenerateOptions, onToken func(id int)) ([]int, error) {
	cache := m.NewCache()
	rng := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	logits, err := m.Step(cache, prompt, opt.Precision)
	if err != nil {
		return nil, err
	}
	var out []int
	for len(out) < opt.MaxTokens {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		id := sampleToken(logits, opt, rng)
		for _, s := range opt.Stop {
			if id == s {
				return out, nil
			}
		}
		out = append(out, id)
		if onToken != nil {
			onToken(id)
		}
		if len(out) == opt.MaxTokens {
			break
		}
		if logits, err = m.Step(cache, []int{id}, opt.Precision); err != nil {
			return out, err
		}
	}
	return out, nil
}

// sampleToken picks a token: greedy at temperature 0, else from the softmax of
// logits/temperature restricted to the TopK largest (all when TopK <= 0).
func sampleToken(logits []float32, opt GenerateOptions, rng *rand.Rand) int {
	best := 0
	for i, v := range logits {
		if v > logits[best] {
			best = i
		}
	}
	if opt.Temperature <= 0 {
		return best
	}
	idx := make([]int, len(logits))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return logits[idx[a]] > logits[idx[b]] })
	if opt.TopK > 0 && opt.TopK < len(idx) {
		idx = idx[:opt.TopK]
	}
	p := make([]float64, len(idx))
	var s float64
	for i, id := range idx {
		p[i] = math.Exp((float64(logits[id]) - float64(logits[best])) / opt.Temperature)
		s += p[i]
	}
	r := rng.Float64() * s
	for i, id := range idx {
		r -= p[i]
		if r <= 0 {
			return id
		}
	}
	return idx[len(idx)-1]
}
