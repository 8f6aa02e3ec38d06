package llama_test

import (
	"fmt"
	"log"

	"github.com/pare-ml/pare/model/llama"
)

func ExampleLoadConfig() {
	c, err := llama.LoadConfig("testdata/qwen3-0.6b.json")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Architecture, c.NumLayers, "layers,", c.NumHeads, "heads of", c.HeadDim, "with", c.NumKVHeads, "KV heads")
	shapes := c.ExpectedShapes()
	fmt.Println(shapes["model.layers.0.self_attn.q_proj.weight"], shapes["model.layers.0.self_attn.q_norm.weight"])
	// Output:
	// Qwen3ForCausalLM 28 layers, 16 heads of 128 with 8 KV heads
	// [2048 1024] [128]
}

func ExampleConfig_CheckShapes() {
	c, err := llama.ParseConfig([]byte(`{"architectures": ["LlamaForCausalLM"], "hidden_size": 64,
		"intermediate_size": 128, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 100,
		"tie_word_embeddings": true}`))
	if err != nil {
		log.Fatal(err)
	}
	shapes := c.ExpectedShapes() // as a checkpoint would hold them
	shapes["model.layers.0.mlp.up_proj.weight"] = []int{64, 128}
	delete(shapes, "model.norm.weight")
	fmt.Println(c.CheckShapes(shapes))
	// Output:
	// tensor "model.layers.0.mlp.up_proj.weight": shape [64 128], config wants [128 64]
	// tensor "model.norm.weight": missing (want shape [64])
}

func ExampleParseConfig_unsupported() {
	_, err := llama.ParseConfig([]byte(`{"architectures": ["LlamaForCausalLM"], "hidden_size": 64,
		"intermediate_size": 128, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 100,
		"rope_scaling": {"rope_type": "yarn", "factor": 4.0}}`))
	fmt.Println(err)
	// Output:
	// llama config: rope_scaling: unsupported RoPE type "yarn" (supported: "default", "llama3")
}
