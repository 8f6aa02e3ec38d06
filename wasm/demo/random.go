package demo

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/tmp/sampler"
)

// Stand-ins for the embedded tiny models, of the same sizes with random
// weights, for a build of pare whose tiny weights are not in the tree yet
// and for tests that must not depend on them.

// TinyDiTConfig is the configuration of the embedded tiny DiT (package
// model/tiny/dit).
func TinyDiTConfig() dit.Config {
	labels := make([]string, 10)
	for i := range labels {
		labels[i] = fmt.Sprint(i)
	}
	return dit.Config{InputSize: 32, PatchSize: 4, InChannels: 1, HiddenSize: 128, Depth: 6, NumHeads: 4,
		MLPRatio: 4, NumClasses: 10, ClassLabels: labels, Objective: "rectified_flow", TimestepScale: 1000}
}

// tinyLLMConfig is the configuration of the embedded tiny Llama (package
// model/tiny).
const tinyLLMConfig = `{
  "architectures": ["LlamaForCausalLM"],
  "model_type": "llama",
  "hidden_size": 256,
  "intermediate_size": 768,
  "num_hidden_layers": 6,
  "num_attention_heads": 4,
  "num_key_value_heads": 2,
  "vocab_size": 4096,
  "max_position_embeddings": 128,
  "hidden_act": "silu",
  "rms_norm_eps": 1e-5,
  "rope_theta": 10000,
  "tie_word_embeddings": true,
  "bos_token_id": 0,
  "eos_token_id": 1,
  "torch_dtype": "float32"
}`

// RandomDiTFiles returns config.json and model.safetensors of a DiT of cfg
// with random weights from seed (sampler.RandomDiT).
func RandomDiTFiles(cfg dit.Config, seed uint64) (Files, error) {
	m, err := sampler.RandomDiT(cfg, seed)
	if err != nil {
		return nil, err
	}
	return viaDisk(func(dir string) error { return sampler.SaveDiT(dir, m) }, "config.json", "model.safetensors")
}

// RandomLLMFiles returns config.json, model.safetensors and tokenizer.json
// of a Llama of the tiny model's size with random weights from seed
// (llama.Random) and the given tokenizer.
func RandomLLMFiles(tokenizerJSON []byte, seed uint64) (Files, error) {
	cfg, err := llama.ParseConfig([]byte(tinyLLMConfig))
	if err != nil {
		return nil, err
	}
	m := llama.Random(cfg, seed)
	f, err := viaDisk(func(dir string) error {
		return m.Save(dir, llama.SaveF32, map[string]string{"format": "pt", "model": "random tiny Llama"})
	}, "config.json", "model.safetensors")
	if err != nil {
		return nil, err
	}
	f["tokenizer.json"] = tokenizerJSON
	return f, nil
}

// viaDisk lets save write into a temporary folder and reads the files back.
func viaDisk(save func(dir string) error, names ...string) (Files, error) {
	dir, err := os.MkdirTemp("", "pare-random-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := save(dir); err != nil {
		return nil, err
	}
	out := Files{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		out[n] = b
	}
	return out, nil
}
