package bench

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"time"

	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/model/tiny"
	"github.com/pare-ml/pare/tensor"
)

// Model names `pare bench llm` and `pare bench prune` accept besides a
// Hugging Face folder.
const (
	ModelTiny      = "tiny"       // the embedded tiny model (random weights of its config until it is trained)
	ModelLlama100M = "llama-100m" // a ~100M-parameter Llama config with random weights
)

// Config100M is a Llama configuration of about 100M parameters (hidden
// 768, 12 layers, 12 query / 4 key-value heads of 64, MLP 2048,
// vocabulary 32000, tied embeddings), benchmarked with random weights.
const Config100M = `{"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":768,"intermediate_size":2048,
"num_hidden_layers":12,"num_attention_heads":12,"num_key_value_heads":4,"vocab_size":32000,
"max_position_embeddings":2048,"rms_norm_eps":1e-5,"rope_theta":500000,"hidden_act":"silu","tie_word_embeddings":true}`

// ConfigTiny is the tiny model's architecture (6 layers, hidden 256, 4
// query / 2 key-value heads of 64, MLP 768, vocabulary 4096), used with
// random weights while the embedded model has no weights.
const ConfigTiny = `{"architectures":["LlamaForCausalLM"],"model_type":"llama","vocab_size":4096,"hidden_size":256,
"intermediate_size":768,"num_hidden_layers":6,"num_attention_heads":4,"num_key_value_heads":2,"head_dim":64,
"hidden_act":"silu","max_position_embeddings":128,"rms_norm_eps":1e-5,"rope_theta":10000.0,"tie_word_embeddings":false,
"bos_token_id":4094,"eos_token_id":4095}`

// BenchModel is a model to measure and where it came from.
type BenchModel struct {
	Name   string // as given: tiny, llama-100m or a folder
	Model  *llama.Model
	Random bool // random weights (llama.Random with seed 1)
}

// LoadModel opens a model by name: "tiny" (the embedded model, or random
// weights of its config when it has none yet), "llama-100m" (random
// weights of Config100M) or a Hugging Face folder. The weights are
// writable (pruning changes them).
func LoadModel(name string) (*BenchModel, error) {
	random := func(cfgJSON string) (*BenchModel, error) {
		cfg, err := llama.ParseConfig([]byte(cfgJSON))
		if err != nil {
			return nil, err
		}
		return &BenchModel{Name: name, Model: llama.Random(cfg, 1), Random: true}, nil
	}
	switch name {
	case ModelLlama100M:
		return random(Config100M)
	case ModelTiny:
		m, err := llama.LoadFS(tiny.LLMFS(), "tiny")
		if errors.Is(err, fs.ErrNotExist) {
			return random(ConfigTiny)
		}
		if err != nil {
			return nil, err
		}
		return &BenchModel{Name: name, Model: m}, nil
	}
	if _, err := os.Stat(name); err != nil {
		return nil, fmt.Errorf("bench: model %q is neither tiny, llama-100m nor a folder: %w", name, err)
	}
	m, err := llama.Load(name, llama.LoadOptions{Writable: true})
	if err != nil {
		return nil, err
	}
	return &BenchModel{Name: name, Model: m}, nil
}

// LLMResult is one prefill measurement. The JSON field names are shared
// with bench/peers/torch_llama.py.
type LLMResult struct {
	Op         string  `json:"op"` // "prefill"
	Model      string  `json:"model"`
	Tokens     int     `json:"tokens"`
	Threads    int     `json:"threads"`
	Path       string  `json:"path"`
	TokensPerS float64 `json:"tokens_per_s"`
	Seconds    float64 `json:"seconds"`        // best time of one prefill
	Median     float64 `json:"seconds_median"` // median time of one prefill
	// CPUSeconds is the process CPU time (all threads) per prefill,
	// averaged over the timed calls: on a loaded machine it is a steadier
	// measure of the work than the wall clock.
	CPUSeconds float64 `json:"cpu_seconds"`
	Reps       int     `json:"reps"`
}

// LLMSpec says which prefills to time.
type LLMSpec struct {
	Tokens  []int         // prompt lengths
	Threads []int         // GOMAXPROCS values; 0 means the current one
	MinTime time.Duration // time budget per case (at least 3 calls are timed)
}

// BenchTokens returns the prompt of n tokens every prefill benchmark uses
// (pare's and the peers'): id i = (i·7919) mod vocab.
func BenchTokens(n, vocab int) []int {
	t := make([]int, n)
	for i := range t {
		t[i] = (i * 7919) % vocab
	}
	return t
}

// Prefill times the prefill of one prompt through bm: embedding, every
// block, the final norm and the LM head of the last position (the logits a
// generation needs), in f32. Each result is passed to emit as soon as it is
// measured.
func Prefill(ctx context.Context, bm *BenchModel, s LLMSpec, emit func(LLMResult)) ([]LLMResult, error) {
	if s.MinTime <= 0 {
		s.MinTime = 3 * time.Second
	}
	threads := s.Threads
	if len(threads) == 0 {
		threads = []int{0}
	}
	m := bm.Model
	h := m.Config.HiddenSize
	var results []LLMResult
	for _, t := range threads {
		for _, n := range s.Tokens {
			if err := ctx.Err(); err != nil {
				return results, err
			}
			toks := BenchTokens(n, m.Config.VocabSize)
			x := make([]float32, n*h)
			call := func() {
				if err := m.EmbedTokens(x, toks); err != nil {
					panic(err) // the ids are below the vocabulary size
				}
				m.Forward(x, 1, n, nil, tensor.PrecF32)
				m.Logits(x[(n-1)*h:], 1, tensor.PrecF32)
			}
			old := runtime.GOMAXPROCS(0)
			if t > 0 {
				runtime.GOMAXPROCS(t)
			}
			call() // warm up outside the CPU time
			c0 := cpuTime()
			best, median, reps := timeCalls(ctx, call, s.MinTime)
			cpu := (cpuTime() - c0).Seconds() / float64(reps+1) // timeCalls warms up once more
			used := runtime.GOMAXPROCS(0)
			runtime.GOMAXPROCS(old)
			r := LLMResult{Op: "prefill", Model: bm.Name, Tokens: n, Threads: used, Path: "pare-" + tensor.GemmF32Path(),
				TokensPerS: float64(n) / best, Seconds: best, Median: median, CPUSeconds: cpu, Reps: reps}
			results = append(results, r)
			if emit != nil {
				emit(r)
			}
		}
	}
	return results, nil
}
