package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/pare-ml/pare/model/corpus"
	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/model/tokenizer"
	"github.com/pare-ml/pare/prune"
)

func init() {
	register(&command{name: "tokenize", summary: "turn JSON Lines of text into token ids with a tokenizer.json", run: runTokenize})
	register(&command{name: "eval", summary: "perplexity of an LLM per language on the held-out corpus", run: runEval})
	register(&command{name: "generate", summary: "continue a prompt with an LLM", run: runGenerate})
}

// openLLM loads --model, turning a missing folder into a usage error.
func openLLM(name string, writable bool) (*prune.LLM, error) {
	if name == "" {
		return nil, usagef("--model is required (tiny or a Hugging Face folder)")
	}
	if name != prune.TinyName {
		if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
			return nil, usagef("model folder %s does not exist (use tiny for the embedded model)", name)
		}
	}
	return prune.LoadLLM(name, writable)
}

// langError turns an unknown corpus language into a usage error that lists
// the languages there are.
func langError(err error) error {
	var ul *corpus.UnknownLanguageError
	if errors.As(err, &ul) {
		return usagef("unknown language %q (available: %s)", ul.Lang, strings.Join(ul.Available, ", "))
	}
	return err
}

func runTokenize(ctx context.Context, args []string) error {
	fs := newFlags("tokenize", "pare tokenize --tokenizer FILE [--add-special] < in.jsonl > out.jsonl",
		`Reads JSON Lines from stdin, each line one JSON string, and writes one JSON
array of token ids per line, in order. The tokenizer is a Hugging Face
tokenizer.json (byte-level BPE as Llama 3 and Qwen2, or SentencePiece-style
BPE with byte fallback as Llama 2 and Gemma); "tiny" names the embedded one.`)
	path := fs.String("tokenizer", "", "tokenizer.json file, or tiny")
	special := fs.Bool("add-special", false, "add the special tokens of the post-processor (e.g. BOS)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *path == "" {
		return usagef("tokenize: --tokenizer is required")
	}
	var tok *tokenizer.Tokenizer
	var err error
	if *path == prune.TinyName {
		l, lerr := prune.LoadLLM(prune.TinyName, false)
		if lerr != nil {
			return lerr
		}
		tok = l.Tokenizer
	} else if tok, err = tokenizer.Load(*path); err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	return tokenizer.TokenizeJSONL(os.Stdin, w, tok, *special)
}

func runEval(ctx context.Context, args []string) error {
	fs := newFlags("eval", "pare eval --model tiny|DIR [--langs all|en,de,...] [--seqlen N] [--json]",
		`Perplexity of the model on the held-out split (articles 21-30) of the
embedded parallel corpus, per language: the text is tokenized with BOS, cut
into windows of --seqlen tokens, and each token predicted from those before
it in its window.`)
	model := fs.String("model", prune.TinyName, "tiny or a Hugging Face model folder")
	langs := fs.String("langs", "all", "languages: all or a comma-separated list ("+strings.Join(corpus.Languages(), ",")+")")
	seqlen := fs.Int("seqlen", 0, "window length in tokens (0: min(256, the model's positions))")
	asJSON := fs.Bool("json", false, `print {"model":..., "ppl":{"en":...}} instead of a table`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ls, err := prune.ParseLangs(*langs)
	if err != nil {
		return langError(err)
	}
	l, err := openLLM(*model, false)
	if err != nil {
		return err
	}
	defer l.Close()
	bar := newProgress("eval", len(ls))
	ppl, err := prune.Perplexity(ctx, l.Model, l.Tokenizer, ls, prune.EvalOptions{SeqLen: *seqlen,
		Progress: func(lang string, li, done, total int) { bar.Set(li, lang) }})
	if err != nil {
		return err
	}
	bar.Done("")
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(map[string]any{"model": *model, "ppl": ppl})
	}
	keys := make([]string, 0, len(ppl))
	for k := range ppl {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Printf("%-6s %10s\n", "lang", "perplexity")
	for _, k := range keys {
		fmt.Printf("%-6s %10.2f\n", k, ppl[k])
	}
	return nil
}

func runGenerate(ctx context.Context, args []string) error {
	fs := newFlags("generate", "pare generate --model tiny|DIR --prompt TEXT [--max-tokens N] [--seed S] [--temperature T] [--top-k K]",
		"Continues the prompt token by token with a KV cache and prints the text as it comes.")
	model := fs.String("model", prune.TinyName, "tiny or a Hugging Face model folder")
	prompt := fs.String("prompt", "", "text to continue")
	maxTok := fs.Int("max-tokens", 64, "most new tokens")
	seed := fs.Uint64("seed", 0, "random seed for sampling")
	temp := fs.Float64("temperature", 0.7, "sampling temperature (0: greedy)")
	topK := fs.Int("top-k", 40, "sample among the K most likely tokens (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *prompt == "" {
		return usagef("generate: --prompt is required")
	}
	if *maxTok < 1 {
		return usagef("generate: --max-tokens must be at least 1")
	}
	l, err := openLLM(*model, false)
	if err != nil {
		return err
	}
	defer l.Close()
	ids := l.Tokenizer.Encode(*prompt, true)
	var stop []int
	if eos, ok := l.Tokenizer.EOS(); ok {
		stop = append(stop, eos)
	}
	fmt.Print(*prompt)
	var out []int
	printed := ""
	_, err = l.Model.Generate(ctx, ids, llama.GenerateOptions{MaxTokens: *maxTok, Temperature: *temp, TopK: *topK, Seed: *seed, Stop: stop},
		func(id int) {
			out = append(out, id)
			// Decode the whole continuation so multi-byte characters split
			// over tokens print once complete.
			s := l.Tokenizer.Decode(out, true)
			if strings.HasPrefix(s, printed) && !strings.HasSuffix(s, "\uFFFD") {
				fmt.Print(s[len(printed):])
				printed = s
			}
		})
	fmt.Println()
	return err
}
