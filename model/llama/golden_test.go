package llama_test

import (
	"encoding/json"
	"io/fs"
	"math"
	"slices"
	"testing"

	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/model/tiny"
	"github.com/pare-ml/pare/model/tokenizer"
)

// golden is model/tiny/llm/golden.json, written by scripts/tiny_llm/train.py
// from PyTorch's float32 forward of the same bf16 weights.
type golden struct {
	Sequences []struct {
		Lang      string
		IDs       []int `json:"ids"`
		Text      string
		Positions []int
		Logits    [][]float64
		Argmax    []int
	}
}

func loadTiny(t *testing.T) (*llama.Model, *tokenizer.Tokenizer, golden) {
	t.Helper()
	fsys := tiny.LLMFS()
	raw, err := fs.ReadFile(fsys, "golden.json")
	if err != nil {
		t.Skipf("tiny model not present: %v", err)
	}
	var g golden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	m, err := llama.LoadFS(fsys, "tiny")
	if err != nil {
		t.Fatal(err)
	}
	tokRaw, err := fs.ReadFile(fsys, "tokenizer.json")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokenizer.Parse(tokRaw)
	if err != nil {
		t.Fatal(err)
	}
	return m, tok, g
}

// TestTinyGolden checks pare's f32 forward of the tiny model against
// PyTorch: relative error max|Δ| / max|logit| at most 1e-4 on every stored
// row, the same argmax, and the same token ids from the tokenizer.
func TestTinyGolden(t *testing.T) {
	m, tok, g := loadTiny(t)
	for _, s := range g.Sequences {
		if got := tok.Encode(s.Text, true); !slices.Equal(got, s.IDs) {
			t.Errorf("%s: tokenizer gives %v, PyTorch script %v", s.Lang, got, s.IDs)
		}
		logits, err := m.TokenLogits(s.IDs)
		if err != nil {
			t.Fatal(err)
		}
		v := m.Config.VocabSize
		for j, p := range s.Positions {
			row := logits[p*v : (p+1)*v]
			var maxDiff, maxRef float64
			best := 0
			for i, want := range s.Logits[j] {
				maxDiff = math.Max(maxDiff, math.Abs(float64(row[i])-want))
				maxRef = math.Max(maxRef, math.Abs(want))
				if row[i] > row[best] {
					best = i
				}
			}
			if rel := maxDiff / maxRef; rel > 1e-4 {
				t.Errorf("%s position %d: relative error %.2e > 1e-4", s.Lang, p, rel)
			} else {
				t.Logf("%s position %d: relative error %.2e", s.Lang, p, rel)
			}
			if best != s.Argmax[j] {
				t.Errorf("%s position %d: argmax %d, PyTorch %d", s.Lang, p, best, s.Argmax[j])
			}
		}
	}
}
