package tiny

import (
	"encoding/json"
	"io/fs"
	"testing"
)

func TestTokenizerFiles(t *testing.T) {
	fsys := LLMFS()
	for _, name := range []string{"tokenizer.json", "tokenizer_config.json", "tokenizer_golden.json"} {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	var tj struct {
		AddedTokens []struct {
			ID      int    `json:"id"`
			Content string `json:"content"`
		} `json:"added_tokens"`
		Model struct {
			Type   string         `json:"type"`
			Vocab  map[string]int `json:"vocab"`
			Merges [][2]string    `json:"merges"`
		} `json:"model"`
	}
	raw, _ := fs.ReadFile(fsys, "tokenizer.json")
	if err := json.Unmarshal(raw, &tj); err != nil {
		t.Fatal(err)
	}
	if tj.Model.Type != "BPE" || len(tj.Model.Vocab)+len(tj.AddedTokens) != 4096 || len(tj.Model.Merges) == 0 {
		t.Errorf("tokenizer.json: model %q, %d vocab + %d added tokens, %d merges", tj.Model.Type,
			len(tj.Model.Vocab), len(tj.AddedTokens), len(tj.Model.Merges))
	}
	for _, m := range tj.Model.Merges {
		if _, ok := tj.Model.Vocab[m[0]+m[1]]; !ok {
			t.Fatalf("merge %q has no token", m)
		}
	}
}
