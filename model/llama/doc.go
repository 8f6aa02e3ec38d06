// Package llama runs decoder-only LLMs of the Llama family (Llama 2/3,
// Qwen2, Qwen3, Mistral) from Hugging Face checkpoints: config.json plus
// model.safetensors or a sharded index. Weights are held in f32; bf16 and
// f16 checkpoints are converted on load, f32 ones are used in place from
// the memory-mapped file.
//
// Besides logits and generation with a KV cache, a forward pass exposes
// what pruning and its analyses need without copying the model (Hooks):
// the input of every Linear, the FFN gate activations and each block's
// output hidden states. Blocks can run one at a time (Block.Forward), which
// is how the pruning pipeline keeps a single block's activations in memory.
//
//	m, err := llama.Load("path/to/model", llama.LoadOptions{})
//	logits, err := m.TokenLogits([]int{1, 15043, 3186})
package llama
