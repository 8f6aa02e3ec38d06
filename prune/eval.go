package prune

import (
	"context"
	"fmt"
	"strings"

	"github.com/pare-ml/pare/model/corpus"
	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/model/tokenizer"
	"github.com/pare-ml/pare/tensor"
)

// ParseLangs reads a language list: "all" (every corpus language) or
// comma-separated ids, each checked against the corpus.
func ParseLangs(spec string) ([]string, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "all" {
		return corpus.Languages(), nil
	}
	var out []string
	for _, l := range strings.Split(spec, ",") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if _, err := corpus.Eval(l); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no languages in %q", spec)
	}
	return out, nil
}

// EvalOptions configure Perplexity.
type EvalOptions struct {
	SeqLen int // window length (0: min(256, the model's positions))
	Batch  int // windows per forward pass (0: 8)
	// MaxWindows, if positive, evaluates only the first MaxWindows windows
	// of each language (a quick estimate, as the web page makes).
	MaxWindows int
	// Progress, if set, is called after each batch: language index, windows
	// done and total in that language.
	Progress func(lang string, li, done, total int)
}

// Perplexity evaluates the model on the held-out split of each language:
// the split's passages joined by blank lines, tokenized with the special
// tokens (BOS), cut into non-overlapping windows of SeqLen tokens, each
// token predicted from those before it in its window.
func Perplexity(ctx context.Context, m *llama.Model, tok *tokenizer.Tokenizer, langs []string, opt EvalOptions) (map[string]float64, error) {
	seq := opt.SeqLen
	if seq <= 0 {
		seq = 256
		if p := m.Config.MaxPositions; p > 0 && p < seq {
			seq = p
		}
	}
	out := map[string]float64{}
	for li, lang := range langs {
		text, err := sourceText(lang, "eval")
		if err != nil {
			return nil, err
		}
		ids := tok.Encode(text, true)
		ws := llama.Windows(ids, seq)
		if opt.MaxWindows > 0 && len(ws) > opt.MaxWindows {
			ws = ws[:opt.MaxWindows]
		}
		batch := opt.Batch
		if batch <= 0 {
			batch = 8
		}
		nll, err := m.EvalNLL(ctx, ws, batch, tensor.PrecF32, func(done, total int) {
			if opt.Progress != nil {
				opt.Progress(lang, li, done, total)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("evaluating %s: %w", lang, err)
		}
		out[lang] = nll.Perplexity()
	}
	return out, nil
}
