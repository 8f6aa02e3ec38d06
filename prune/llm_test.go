package prune

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/model/tokenizer"
)

// TestPrunedModelReloads prunes a model, writes it as a Hugging Face
// folder, loads it back and evaluates it: the zeros survive the round trip
// and the reloaded model gives the pruned model's perplexity.
func TestPrunedModelReloads(t *testing.T) {
	raw, err := os.ReadFile("../model/tiny/llm/tokenizer.json")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokenizer.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	l := &LLM{Name: "random", Model: testLlamaVocab(t, tok.VocabSize()), Tokenizer: tok, TokenizerJSON: raw}
	ws, err := CalibrationWindows(tok, []CalibPart{{Source: "de", Samples: 4}}, 16, 0)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Model(context.Background(), l.Model, Options{Method: MethodSparseGPT, Pattern: NM(2, 4), Calibration: ws})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "pruned")
	if err := SavePruned(l, out, rep, false, llama.SaveF32); err != nil {
		t.Fatal(err)
	}
	if err := SavePruned(l, out, rep, false, llama.SaveF32); err == nil {
		t.Fatal("SavePruned over an existing folder without force succeeded")
	}
	// --force replaces the folder whole and leaves nothing else beside it.
	if err := os.WriteFile(filepath.Join(out, "stale.txt"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SavePruned(l, out, rep, true, llama.SaveF32); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "stale.txt")); !os.IsNotExist(err) {
		t.Fatalf("the replaced folder kept an old file: %v", err)
	}
	if names, _ := os.ReadDir(filepath.Dir(out)); len(names) != 1 {
		t.Fatalf("beside the output: %v", names)
	}
	var back Report
	js, err := os.ReadFile(filepath.Join(out, "prune.json"))
	if err != nil || json.Unmarshal(js, &back) != nil || back.Method != MethodSparseGPT || len(back.Layers) != len(rep.Layers) {
		t.Fatalf("prune.json: %v %+v", err, back)
	}
	r, err := LoadLLM(out, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for b := range l.Model.Blocks {
		for _, name := range llama.LinearNames {
			a, c := l.Model.Blocks[b].Linear(name).W, r.Model.Blocks[b].Linear(name).W
			for i := range a {
				if a[i] != c[i] {
					t.Fatalf("block %d %s weight %d: %v written, %v read", b, name, i, a[i], c[i])
				}
			}
		}
	}
	langs := []string{"de", "en"}
	want, err := Perplexity(context.Background(), l.Model, tok, langs, EvalOptions{SeqLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Perplexity(context.Background(), r.Model, r.Tokenizer, langs, EvalOptions{SeqLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range langs {
		if math.IsNaN(got[lang]) || got[lang] != want[lang] {
			t.Errorf("%s: reloaded perplexity %v, pruned model %v", lang, got[lang], want[lang])
		}
	}
}
