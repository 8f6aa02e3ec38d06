package llama

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pare-ml/pare/model/safetensors"
	"github.com/pare-ml/pare/tensor"
)

const testConfig = `{
  "architectures": ["LlamaForCausalLM"], "model_type": "llama",
  "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
  "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 50,
  "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 10000,
  "hidden_act": "silu", "tie_word_embeddings": false,
  "bos_token_id": 1, "eos_token_id": 2
}`

// writeRandomModel writes a random checkpoint of testConfig into a new
// folder; mutate may change the tensors before they are written.
func writeRandomModel(t *testing.T, mutate func(map[string][]float32)) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(testConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig([]byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	vals := map[string][]float32{}
	shapes := cfg.ExpectedShapes()
	for name, shape := range shapes {
		n := 1
		for _, d := range shape {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			if strings.HasSuffix(name, "norm.weight") {
				v[i] = 1 + float32(rng.NormFloat64()*0.1)
			} else {
				v[i] = float32(rng.NormFloat64() * 0.2)
			}
		}
		vals[name] = v
	}
	if mutate != nil {
		mutate(vals)
	}
	var ts []safetensors.Tensor
	for name, v := range vals {
		shape := shapes[name]
		if shape == nil {
			shape = []int{len(v)}
		}
		if len(v) != prod(shape) {
			shape = []int{len(v)}
		}
		ts = append(ts, safetensors.FromFloat32(name, shape, v))
	}
	if err := safetensors.Write(filepath.Join(dir, "model.safetensors"), ts, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

func prod(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// TestCacheMatchesFullForward decodes token by token with the KV cache and
// compares every step's logits with the full causal pass.
func TestCacheMatchesFullForward(t *testing.T) {
	m, err := Load(writeRandomModel(t, nil), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tokens := []int{1, 5, 9, 13, 44, 3, 7, 0}
	full, err := m.TokenLogits(tokens)
	if err != nil {
		t.Fatal(err)
	}
	v := m.Config.VocabSize
	c := m.NewCache()
	for i, tok := range tokens {
		step, err := m.Step(c, []int{tok}, tensor.PrecF32)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < v; j++ {
			if d := math.Abs(float64(step[j] - full[i*v+j])); d > 1e-4 {
				t.Fatalf("position %d logit %d: cache %v, full %v", i, j, step[j], full[i*v+j])
			}
		}
	}
	// A batch of two sequences gives the same logits as each alone.
	h := m.Config.HiddenSize
	x := make([]float32, 2*4*h)
	m.EmbedTokens(x[:4*h], tokens[:4])
	m.EmbedTokens(x[4*h:], tokens[4:])
	m.Forward(x, 2, 4, nil, tensor.PrecF32)
	got := m.Logits(x, 8, tensor.PrecF32)
	second, _ := m.TokenLogits(tokens[4:])
	for j := range second {
		if d := math.Abs(float64(got[4*v+j] - second[j])); d > 1e-5 {
			t.Fatalf("batched logit %d: %v vs %v", j, got[4*v+j], second[j])
		}
	}
}

func TestHooksAndNLL(t *testing.T) {
	m, err := Load(writeRandomModel(t, nil), LoadOptions{Writable: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	gates := 0
	hooks := &Hooks{
		LinearInput: func(block int, name string, x []float32, rows int) {
			seen[name] += rows
			if l := m.Blocks[block].Linear(name); len(x) != rows*l.In {
				t.Errorf("%s: input %d values for %d rows of %d", name, len(x), rows, l.In)
			}
		},
		FFNGate: func(block int, act []float32, rows int) { gates += rows },
	}
	x := make([]float32, 3*5*m.Config.HiddenSize)
	m.Forward(x, 3, 5, hooks, tensor.PrecF32)
	for _, n := range LinearNames {
		if seen[n] != 2*15 {
			t.Errorf("hook saw %d rows for %s, want 30", seen[n], n)
		}
	}
	if gates != 30 {
		t.Errorf("FFNGate saw %d rows", gates)
	}
	nll, err := m.EvalNLL(context.Background(), Windows([]int{1, 2, 3, 4, 5, 6, 7, 8, 9}, 4), 2, tensor.PrecF32, nil)
	if err != nil {
		t.Fatal(err)
	}
	// windows of 4, 4, 1 tokens: the last is dropped, 3+3 predictions.
	if nll.Count != 6 || !(nll.Perplexity() > 1) {
		t.Fatalf("NLL = %+v, perplexity %v", nll, nll.Perplexity())
	}
	out, err := m.Generate(context.Background(), []int{1, 2}, GenerateOptions{MaxTokens: 5, Temperature: 0.8, TopK: 10, Seed: 3}, nil)
	if err != nil || len(out) == 0 {
		t.Fatalf("Generate: %v, %v", out, err)
	}
	again, _ := m.Generate(context.Background(), []int{1, 2}, GenerateOptions{MaxTokens: 5, Temperature: 0.8, TopK: 10, Seed: 3}, nil)
	if len(again) != len(out) || again[0] != out[0] {
		t.Fatalf("Generate is not deterministic: %v vs %v", out, again)
	}
}

func TestLoadErrors(t *testing.T) {
	for name, mutate := range map[string]func(map[string][]float32){
		"missing tensor": func(v map[string][]float32) { delete(v, "model.norm.weight") },
		"wrong shape":    func(v map[string][]float32) { v["model.norm.weight"] = make([]float32, 31) },
		"nan weight":     func(v map[string][]float32) { v["model.layers.0.mlp.up_proj.weight"][3] = float32(math.NaN()) },
	} {
		_, err := Load(writeRandomModel(t, mutate), LoadOptions{})
		if err == nil {
			t.Errorf("%s: Load succeeded", name)
			continue
		}
		t.Logf("%s: %v", name, err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "nope"), LoadOptions{}); err == nil {
		t.Error("Load of a missing folder succeeded")
	}
}

func TestRandomIsDeterministic(t *testing.T) {
	cfg, err := ParseConfig([]byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	a, b := Random(cfg, 3), Random(cfg, 3)
	for i := range a.Embed {
		if a.Embed[i] != b.Embed[i] {
			t.Fatal("Random with one seed gave two models")
		}
	}
	if a.Blocks[1].Down.W[5] != b.Blocks[1].Down.W[5] {
		t.Fatal("Random with one seed gave two models")
	}
}

func TestSaveReload(t *testing.T) {
	cfg, err := ParseConfig([]byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	m := Random(cfg, 5)
	m.Blocks[0].Q.W[0] = 0.25
	for _, dt := range []SaveDType{SaveF32, SaveBF16} {
		dir := t.TempDir()
		if err := m.Save(dir, dt, map[string]string{"format": "pt"}); err != nil {
			t.Fatal(err)
		}
		r, err := Load(dir, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Blocks[0].Q.W[0] != 0.25 {
			t.Errorf("%s: reloaded weight %v", dt, r.Blocks[0].Q.W[0])
		}
		a, _ := m.TokenLogits([]int{1, 2, 3})
		b, _ := r.TokenLogits([]int{1, 2, 3})
		tol := 1e-6
		if dt == SaveBF16 {
			tol = 0.05
		}
		for i := range a {
			if math.Abs(float64(a[i]-b[i])) > tol {
				t.Fatalf("%s: logit %d: %v vs %v", dt, i, a[i], b[i])
			}
		}
		r.Close()
	}
}
