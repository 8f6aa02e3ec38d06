package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
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

// openLLM loads --model for cmd: a folder that does not exist is a usage
// error, one that cannot be read as a model (a malformed checkpoint, NaN
// weights, a tokenizer that does not fit) bad input.
func openLLM(cmd, name string, writable bool) (*prune.LLM, error) {
	return openLLMFlag(cmd, "--model", name, writable)
}

// openLLMFlag is openLLM for a model named by flagName.
func openLLMFlag(cmd, flagName, name string, writable bool) (*prune.LLM, error) {
	if err := checkLLM(cmd, flagName, name); err != nil {
		return nil, err
	}
	l, err := prune.LoadLLM(name, writable)
	if err != nil && name != prune.TinyName {
		return nil, badInput(fmt.Errorf("%s: %s: %w", cmd, flagName, err))
	}
	return l, err
}

// checkLLM reports a model name that is neither tiny nor a folder with a
// config.json as a usage error.
func checkLLM(cmd, flagName, name string) error {
	if name == "" {
		return usagef("%s: %s is required (tiny or a Hugging Face folder)", cmd, flagName)
	}
	if name == prune.TinyName {
		return nil
	}
	st, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usagef("%s: %s: folder %s does not exist (use tiny for the embedded model)", cmd, flagName, name)
	case err != nil:
		return usagef("%s: %s: %s", cmd, flagName, pathError(err))
	case !st.IsDir():
		return usagef("%s: %s: %s is not a folder (want tiny or a Hugging Face folder with config.json)", cmd, flagName, name)
	}
	if _, err := os.Stat(filepath.Join(name, "config.json")); errors.Is(err, fs.ErrNotExist) {
		return usagef("%s: %s: folder %s has no config.json (want a Hugging Face model folder)", cmd, flagName, name)
	}
	return nil
}

// langError turns an unknown corpus language into a usage error that lists
// the languages there are; other errors of parsing a language list are
// usage errors too.
func langError(cmd, flagName string, err error) error {
	var ul *corpus.UnknownLanguageError
	if errors.As(err, &ul) {
		return usagef("%s: %s: unknown language %q (available: %s)", cmd, flagName, ul.Lang, strings.Join(ul.Available, ", "))
	}
	return usagef("%s: %s: %v", cmd, flagName, err)
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
	if fs.NArg() > 0 {
		return usagef("tokenize: unexpected argument %q (the text comes on stdin)", fs.Arg(0))
	}
	if *path == "" {
		return usagef("tokenize: --tokenizer is required (a tokenizer.json file, or tiny)")
	}
	var tok *tokenizer.Tokenizer
	var err error
	if *path == prune.TinyName {
		l, lerr := prune.LoadLLM(prune.TinyName, false)
		if lerr != nil {
			return lerr
		}
		tok = l.Tokenizer
	} else {
		if st, serr := os.Stat(*path); serr != nil {
			return usagef("tokenize: --tokenizer: %s", pathError(serr))
		} else if st.IsDir() {
			return usagef("tokenize: --tokenizer: %s is a folder (want its tokenizer.json)", *path)
		}
		if tok, err = tokenizer.Load(*path); err != nil {
			return badInput(fmt.Errorf("tokenize: --tokenizer: %w", err))
		}
	}
	// A failure to read stdin or to write stdout is an I/O error; any
	// other is a malformed line of the input.
	in := &ioErrors{r: os.Stdin}
	out := &ioErrors{w: os.Stdout}
	w := bufio.NewWriter(out)
	err = tokenizer.TokenizeJSONL(in, w, tok, *special)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil && in.err == nil && out.err == nil {
		return badInput(fmt.Errorf("tokenize: stdin: %w", err))
	}
	return err
}

// ioErrors passes reads and writes through and remembers the first error
// other than io.EOF.
type ioErrors struct {
	r   io.Reader
	w   io.Writer
	err error
}

func (e *ioErrors) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

func (e *ioErrors) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
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
	if fs.NArg() > 0 {
		return usagef("eval: unexpected argument %q (see pare eval --help)", fs.Arg(0))
	}
	if *seqlen < 0 || *seqlen == 1 {
		return usagef("eval: --seqlen must be 0 (the default) or at least 2, have %d", *seqlen)
	}
	ls, err := prune.ParseLangs(*langs)
	if err != nil {
		return langError("eval", "--langs", err)
	}
	l, err := openLLM("eval", *model, false)
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
	maxTok := fs.Int("max-tokens", 64, "most new tokens (with the prompt's, at most the model's positions)")
	seed := fs.Uint64("seed", 0, "random seed for sampling")
	temp := fs.Float64("temperature", 0.7, "sampling temperature (0: greedy)")
	topK := fs.Int("top-k", 40, "sample among the K most likely tokens (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("generate: unexpected argument %q (quote the prompt: --prompt \"...\")", fs.Arg(0))
	}
	switch {
	case *prompt == "":
		return usagef("generate: --prompt is required")
	case *maxTok < 1:
		return usagef("generate: --max-tokens must be at least 1, have %d", *maxTok)
	case !(*temp >= 0) || math.IsInf(*temp, 0):
		return usagef("generate: --temperature must be a number >= 0, have %v", *temp)
	case *topK < 0:
		return usagef("generate: --top-k must be >= 0, have %d", *topK)
	}
	l, err := openLLM("generate", *model, false)
	if err != nil {
		return err
	}
	defer l.Close()
	ids := l.Tokenizer.Encode(*prompt, true)
	if pos := l.Model.Config.MaxPositions; pos > 0 && len(ids)+*maxTok > pos {
		if len(ids) >= pos {
			return usagef("generate: the prompt is %d tokens, the model has %d positions", len(ids), pos)
		}
		return usagef("generate: --max-tokens %d: the prompt's %d tokens leave room for at most %d of the model's %d positions", *maxTok, len(ids), pos-len(ids), pos)
	}
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
