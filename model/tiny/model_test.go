package tiny

import (
	"encoding/binary"
	"encoding/json"
	"io/fs"
	"slices"
	"sort"
	"testing"
)

func TestModelFiles(t *testing.T) {
	fsys := LLMFS()
	for _, name := range []string{"config.json", "model.safetensors", "tokenizer.json", "golden.json", "train_log.json"} {
		if _, err := fs.Stat(fsys, name); err != nil {
			t.Errorf("missing %s: %v", name, err)
		}
	}
}

type config struct {
	Architectures     []string `json:"architectures"`
	ModelType         string   `json:"model_type"`
	VocabSize         int      `json:"vocab_size"`
	HiddenSize        int      `json:"hidden_size"`
	IntermediateSize  int      `json:"intermediate_size"`
	NumHiddenLayers   int      `json:"num_hidden_layers"`
	NumAttentionHeads int      `json:"num_attention_heads"`
	NumKeyValueHeads  int      `json:"num_key_value_heads"`
	HeadDim           int      `json:"head_dim"`
	TieWordEmbeddings bool     `json:"tie_word_embeddings"`
	BOS               int      `json:"bos_token_id"`
	EOS               int      `json:"eos_token_id"`
}

func readConfig(t *testing.T) config {
	t.Helper()
	raw, err := fs.ReadFile(LLMFS(), "config.json")
	if err != nil {
		t.Fatal(err)
	}
	var c config
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("config.json: %v", err)
	}
	return c
}

func TestConfig(t *testing.T) {
	c := readConfig(t)
	if len(c.Architectures) != 1 || c.Architectures[0] != "LlamaForCausalLM" || c.ModelType != "llama" {
		t.Errorf("config.json: architectures %v, model_type %q", c.Architectures, c.ModelType)
	}
	if c.HiddenSize != c.NumAttentionHeads*c.HeadDim || c.NumAttentionHeads%c.NumKeyValueHeads != 0 {
		t.Errorf("config.json: inconsistent head layout %+v", c)
	}
	if c.BOS != c.VocabSize-2 || c.EOS != c.VocabSize-1 {
		t.Errorf("config.json: bos %d eos %d for vocab %d", c.BOS, c.EOS, c.VocabSize)
	}
}

// TestSafetensorsHeader checks the header of model.safetensors against the
// config: every tensor of a Llama with HF names, BF16, shapes, contiguous
// offsets in sorted-name order covering the whole data section.
func TestSafetensorsHeader(t *testing.T) {
	c := readConfig(t)
	raw, err := fs.ReadFile(LLMFS(), "model.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(raw)
	if n%8 != 0 || 8+n > uint64(len(raw)) {
		t.Fatalf("header length %d", n)
	}
	var header map[string]json.RawMessage
	if err := json.Unmarshal(raw[8:8+n], &header); err != nil {
		t.Fatal(err)
	}
	type info struct {
		DType   string   `json:"dtype"`
		Shape   []int    `json:"shape"`
		Offsets [2]int64 `json:"data_offsets"`
	}
	d, kv, f := c.HiddenSize, c.NumKeyValueHeads*c.HeadDim, c.IntermediateSize
	want := map[string][]int{
		"model.embed_tokens.weight": {c.VocabSize, d},
		"model.norm.weight":         {d},
		"lm_head.weight":            {c.VocabSize, d},
	}
	for i := 0; i < c.NumHiddenLayers; i++ {
		p := "model.layers." + itoa(i) + "."
		want[p+"input_layernorm.weight"] = []int{d}
		want[p+"post_attention_layernorm.weight"] = []int{d}
		want[p+"self_attn.q_proj.weight"] = []int{d, d}
		want[p+"self_attn.k_proj.weight"] = []int{kv, d}
		want[p+"self_attn.v_proj.weight"] = []int{kv, d}
		want[p+"self_attn.o_proj.weight"] = []int{d, d}
		want[p+"mlp.gate_proj.weight"] = []int{f, d}
		want[p+"mlp.up_proj.weight"] = []int{f, d}
		want[p+"mlp.down_proj.weight"] = []int{d, f}
	}
	var names []string
	for name := range header {
		if name != "__metadata__" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if len(names) != len(want) {
		t.Errorf("%d tensors, want %d", len(names), len(want))
	}
	var off int64
	for _, name := range names {
		var in info
		if err := json.Unmarshal(header[name], &in); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		shape, ok := want[name]
		if !ok {
			t.Errorf("unexpected tensor %s", name)
			continue
		}
		if in.DType != "BF16" || !slices.Equal(in.Shape, shape) {
			t.Errorf("%s: %s %v, want BF16 %v", name, in.DType, in.Shape, shape)
		}
		size := int64(2)
		for _, s := range in.Shape {
			size *= int64(s)
		}
		if in.Offsets[0] != off || in.Offsets[1] != off+size {
			t.Errorf("%s: offsets %v, want [%d %d]", name, in.Offsets, off, off+size)
		}
		off += size
	}
	if int64(len(raw))-8-int64(n) != off {
		t.Errorf("data section %d bytes, tensors cover %d", int64(len(raw))-8-int64(n), off)
	}
}

func TestGolden(t *testing.T) {
	c := readConfig(t)
	raw, err := fs.ReadFile(LLMFS(), "golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Sequences []struct {
			Lang      string      `json:"lang"`
			IDs       []int       `json:"ids"`
			Positions []int       `json:"positions"`
			Logits    [][]float32 `json:"logits"`
		} `json:"sequences"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Sequences) != 3 {
		t.Fatalf("%d golden sequences, want 3", len(g.Sequences))
	}
	for _, s := range g.Sequences {
		if len(s.IDs) < 2 || s.IDs[0] != c.BOS || len(s.Positions) != len(s.Logits) {
			t.Errorf("%s: bad golden sequence", s.Lang)
		}
		for i, l := range s.Logits {
			if len(l) != c.VocabSize || s.Positions[i] >= len(s.IDs) {
				t.Errorf("%s: logits row %d has %d values", s.Lang, i, len(l))
			}
		}
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
