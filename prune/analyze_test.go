package prune

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pare-ml/pare/model/tokenizer"
)

func TestJacobiAndSubspace(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// Language means that differ only along two directions of a 6-D space.
	u1 := []float64{1, 0, 0, 0, 0, 0}
	u2 := []float64{0, 0.6, 0.8, 0, 0, 0}
	var means [][]float64
	for l := 0; l < 5; l++ {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		m := make([]float64, 6)
		for i := range m {
			m[i] = 3 + a*u1[i] + b*u2[i] // common offset is centred away
		}
		means = append(means, m)
	}
	basis, ve := languageSubspace(means, 4)
	if len(basis) != 2 || math.Abs(ve-1) > 1e-9 {
		t.Fatalf("rank %d, variance explained %v; want 2 and 1", len(basis), ve)
	}
	for i, u := range basis {
		for j, v := range basis {
			var d float64
			for k := range u {
				d += u[k] * v[k]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(d-want) > 1e-9 {
				t.Fatalf("basis not orthonormal: <u%d,u%d> = %v", i, j, d)
			}
		}
		// Each basis vector lies in span(u1, u2).
		var p1, p2 float64
		for k := range u {
			p1 += u[k] * u1[k]
			p2 += u[k] * u2[k]
		}
		if math.Abs(p1*p1+p2*p2-1) > 1e-9 {
			t.Fatalf("basis vector %d leaves the span", i)
		}
	}
}

func TestLAPESelection(t *testing.T) {
	// 2 blocks × 3 languages × 40 neurons; neuron 0 of block 0 fires only
	// on language 1, neuron 5 of block 1 only on language 2.
	p := make([][][]float64, 2)
	for b := range p {
		p[b] = make([][]float64, 3)
		for l := range p[b] {
			p[b][l] = make([]float64, 40)
			for u := range p[b][l] {
				p[b][l][u] = 0.3
			}
		}
	}
	p[0][1][0] = 0.9
	p[0][0][0], p[0][2][0] = 0.01, 0.01
	p[1][2][5] = 0.95
	p[1][0][5], p[1][1][5] = 0.02, 0.02
	spec, owners := lapeNeurons(p)
	if len(spec) != 2 || len(owners[1]) != 1 || owners[1][0] != (neuron{0, 0}) || len(owners[2]) != 1 || owners[2][0] != (neuron{1, 5}) || len(owners[0]) != 0 {
		t.Fatalf("specific %v owners %v", spec, owners)
	}
}

func TestAnalyze(t *testing.T) {
	tok, err := tokenizer.Load("../model/tiny/llm/tokenizer.json")
	if err != nil {
		t.Fatal(err)
	}
	load := func() (*LLM, error) {
		return &LLM{Name: "random", Model: testLlamaVocab(t, tok.VocabSize()), Tokenizer: tok}, nil
	}
	res, err := Analyze(context.Background(), load, AnalyzeOptions{Method: MethodWanda, Pattern: Unstructured(0.5),
		Calib: []string{"en", "de"}, Eval: []string{"en", "de", "ru"}, NSamples: 4, SeqLen: 16, Tokens: 64})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.SNR) != 2 || len(res.SNR[0]) != 3 || len(res.SNR[0][0]) != 2 {
		t.Fatalf("SNR shape %d", len(res.SNR))
	}
	for _, c := range res.SNR {
		for _, e := range c {
			for _, v := range e {
				if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
					t.Fatalf("SNR %v", v)
				}
			}
		}
	}
	if res.Overlap == nil || len(res.Overlap.Pairs) != 1 || res.Overlap.Mean[0] <= res.Overlap.Random[0]-0.2 || res.Overlap.Mean[0] > 1 {
		t.Fatalf("overlap %+v", res.Overlap)
	}
	for _, c := range res.Subspace {
		for _, v := range c {
			if v < 0 || v > 1+1e-9 {
				t.Fatalf("subspace share %v", v)
			}
		}
	}
	if res.LAPE == nil || len(res.LAPE.PrunedShare) != 2 || math.Abs(res.LAPE.PrunedAll[0]-0.5) > 0.01 {
		t.Fatalf("LAPE %+v", res.LAPE)
	}
}
