package llama

import (
	"fmt"
	"testing"

	"github.com/pare-ml/pare/tensor"
)

// Config100M is a Llama configuration of about 100M parameters (hidden
// 768, 12 layers, 12 query / 4 key-value heads, vocabulary 32000) used for
// benchmarks with random weights.
const config100M = `{"architectures":["LlamaForCausalLM"],"hidden_size":768,"intermediate_size":2048,
"num_hidden_layers":12,"num_attention_heads":12,"num_key_value_heads":4,"vocab_size":32000,
"max_position_embeddings":2048,"rms_norm_eps":1e-5,"rope_theta":500000,"hidden_act":"silu","tie_word_embeddings":true}`

func BenchmarkPrefill100M(b *testing.B) {
	cfg, err := ParseConfig([]byte(config100M))
	if err != nil {
		b.Fatal(err)
	}
	m := Random(cfg, 1)
	for _, n := range []int{128, 512} {
		b.Run(fmt.Sprintf("tokens=%d", n), func(b *testing.B) {
			toks := make([]int, n)
			for i := range toks {
				toks[i] = (i * 7919) % cfg.VocabSize
			}
			x := make([]float32, n*cfg.HiddenSize)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.EmbedTokens(x, toks)
				m.Forward(x, 1, n, nil, tensor.PrecF32)
				m.Logits(x[(n-1)*cfg.HiddenSize:], 1, tensor.PrecF32)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}
