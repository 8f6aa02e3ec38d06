// Package tiny embeds pare's tiny multilingual Llama model: a 6-layer
// Llama-architecture decoder (hidden 256, 4 query / 2 key-value heads,
// vocabulary 4096) trained on the calibration split of the embedded UDHR
// corpus (package corpus) in 24 languages, small enough to prune, evaluate
// and compare per language in tests and in the browser without downloads.
//
// LLMFS holds the model in Hugging Face layout, so transformers can load the
// same files:
//
//	config.json            LlamaForCausalLM config
//	model.safetensors      weights in bfloat16, HF parameter names
//	tokenizer.json         byte-level BPE with the Llama-3 pre-tokenizer
//	tokenizer_config.json  for transformers' AutoTokenizer
//	golden.json            float32 logits of three token sequences (for
//	                       checking a forward pass)
//	tokenizer_golden.json  encodings of 22 strings (for checking a tokenizer)
//	train_log.json         loss curve and held-out perplexity per language
//
// The files are made by scripts/tiny_llm/train_tokenizer.py and
// scripts/tiny_llm/train.py (fixed seed and step count).
//
//	cfg, err := fs.ReadFile(tiny.LLMFS(), "config.json")
package tiny

import (
	"embed"
	"io/fs"
)

//go:embed llm
var llm embed.FS

// LLMFS returns the tiny model's files, at the root of the returned FS.
func LLMFS() fs.FS {
	sub, err := fs.Sub(llm, "llm")
	if err != nil {
		panic("tiny: " + err.Error()) // "llm" is a valid path; cannot happen
	}
	return sub
}
