package prune

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pare-ml/pare/model/corpus"
	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/model/tokenizer"
)

// Item is one multiple-choice question, as in a task's JSONL file:
// {"context": ..., "choices": [...], "gold": i}.
type Item struct {
	Context string   `json:"context"`
	Choices []string `json:"choices"`
	Gold    int      `json:"gold"`
}

// Task is a named list of items.
type Task struct {
	Name  string
	Items []Item
}

// LoadTask reads a JSONL task file; the task is named after the file.
func LoadTask(path string) (Task, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Task{}, err
	}
	t := Task{Name: strings.TrimSuffix(filepathBase(path), ".jsonl")}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<16), 1<<26)
	for line := 1; sc.Scan(); line++ {
		s := bytes.TrimSpace(sc.Bytes())
		if len(s) == 0 {
			continue
		}
		var it Item
		dec := json.NewDecoder(bytes.NewReader(s))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&it); err != nil {
			return Task{}, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if len(it.Choices) < 2 || it.Gold < 0 || it.Gold >= len(it.Choices) {
			return Task{}, fmt.Errorf("%s:%d: want at least 2 choices and gold in range, have %d choices and gold %d", path, line, len(it.Choices), it.Gold)
		}
		t.Items = append(t.Items, it)
	}
	if err := sc.Err(); err != nil {
		return Task{}, fmt.Errorf("%s: %w", path, err)
	}
	if len(t.Items) == 0 {
		return Task{}, fmt.Errorf("%s: no items", path)
	}
	return t, nil
}

func filepathBase(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// sentences splits text after sentence-ending punctuation of the corpus's
// scripts (. ! ? ; । । ۔ ؟ 。 ！ ？) and drops very short pieces.
func sentences(text string) []string {
	var out []string
	start := 0
	flush := func(end int) {
		s := strings.TrimSpace(text[start:end])
		start = end
		if utf8.RuneCountInString(s) >= 4 {
			out = append(out, s)
		}
	}
	for i, r := range text {
		switch r {
		case '.', '!', '?', ';', '।', '۔', '؟', '。', '！', '？', '\n':
			end := i + utf8.RuneLen(r)
			if end == len(text) || r == '\n' || r == '。' || r == '！' || r == '？' {
				flush(end)
				continue
			}
			if next, _ := utf8.DecodeRuneInString(text[end:]); unicode.IsSpace(next) {
				flush(end)
			}
		}
	}
	if start < len(text) {
		flush(len(text))
	}
	return out
}

// CorpusTask builds the "next sentence" task of a language from the
// held-out articles: the context is a sentence, the gold choice the
// sentence that follows it in the same article, and three distractors are
// sentences of other articles, drawn with a generator seeded by seed. At
// most maxItems items are kept (0: all).
func CorpusTask(lang string, seed uint64, maxItems int) (Task, error) {
	ps, err := corpus.Eval(lang)
	if err != nil {
		return Task{}, err
	}
	type sent struct {
		article int
		text    string
	}
	var all []sent
	var pairs [][2]int
	for _, p := range ps {
		ss := sentences(p.Text)
		for i, s := range ss {
			if i > 0 {
				pairs = append(pairs, [2]int{len(all) - 1, len(all)})
			}
			all = append(all, sent{p.Article, s})
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x7a5c))
	t := Task{Name: "next-sentence-" + lang}
	for _, pr := range pairs {
		if maxItems > 0 && len(t.Items) == maxItems {
			break
		}
		ctx, gold := all[pr[0]], all[pr[1]]
		choices := []string{" " + gold.text}
		for tries := 0; len(choices) < 4 && tries < 100; tries++ {
			d := all[rng.IntN(len(all))]
			if d.article == ctx.article {
				continue
			}
			dup := false
			for _, c := range choices {
				dup = dup || c == " "+d.text
			}
			if !dup {
				choices = append(choices, " "+d.text)
			}
		}
		if len(choices) < 4 {
			continue
		}
		g := rng.IntN(4)
		choices[0], choices[g] = choices[g], choices[0]
		t.Items = append(t.Items, Item{Context: ctx.text, Choices: choices, Gold: g})
	}
	if len(t.Items) == 0 {
		return Task{}, fmt.Errorf("corpus %s: too few sentences for a task", lang)
	}
	return t, nil
}

// TaskResult is a task's accuracy.
type TaskResult struct {
	Task         string  `json:"task"`
	Items        int     `json:"items"`
	Accuracy     float64 `json:"accuracy"`      // argmax of the summed log-likelihood
	AccuracyNorm float64 `json:"accuracy_norm"` // argmax of log-likelihood per byte of the choice
}

// ScoreTask scores each choice by the log-likelihood of its tokens after
// the context (tokenized together, the context's own tokens removed, as
// lm-evaluation-harness does) and counts the items whose gold choice scores
// highest.
func ScoreTask(ctx context.Context, m *llama.Model, tok *tokenizer.Tokenizer, t Task) (TaskResult, error) {
	res := TaskResult{Task: t.Name, Items: len(t.Items)}
	var hit, hitNorm int
	for _, it := range t.Items {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		ctxIDs := tok.Encode(it.Context, true)
		best, bestNorm := -1, -1
		var bestLL, bestLLNorm float64
		for ci, ch := range it.Choices {
			whole := tok.Encode(it.Context+ch, true)
			n := commonPrefix(ctxIDs, whole)
			if n == len(whole) || n == 0 {
				n = max(1, min(len(ctxIDs), len(whole)-1))
			}
			if mp := m.Config.MaxPositions; mp > 0 && len(whole) > mp {
				cut := len(whole) - mp // keep the end: the choice and what precedes it
				whole = whole[cut:]
				n = max(1, n-cut)
			}
			logits, err := m.TokenLogits(whole)
			if err != nil {
				return res, err
			}
			v := m.Config.VocabSize
			var ll float64
			for p := n; p < len(whole); p++ {
				ll += llama.LogSoftmaxAt(logits[(p-1)*v:p*v], whole[p])
			}
			norm := ll / float64(max(1, len(ch)))
			if best < 0 || ll > bestLL {
				best, bestLL = ci, ll
			}
			if bestNorm < 0 || norm > bestLLNorm {
				bestNorm, bestLLNorm = ci, norm
			}
		}
		if best == it.Gold {
			hit++
		}
		if bestNorm == it.Gold {
			hitNorm++
		}
	}
	res.Accuracy = float64(hit) / float64(len(t.Items))
	res.AccuracyNorm = float64(hitNorm) / float64(len(t.Items))
	return res, nil
}

func commonPrefix(a, b []int) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
