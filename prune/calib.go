package prune

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pare-ml/pare/model/corpus"
	"github.com/pare-ml/pare/model/tokenizer"
)

// CalibPart is one source of calibration text and how many windows to draw
// from it. Source is a corpus language id or the path of a user's .txt or
// .jsonl file.
type CalibPart struct {
	Source  string `json:"source"`
	Samples int    `json:"nsamples"`
}

// ParseCalib reads a calibration spec: one source ("de"), several sharing
// nsamples evenly ("en,de"), or explicit counts ("en:64,de:64", which then
// need not sum to nsamples). Sources are corpus languages or file paths
// ending in .txt or .jsonl.
func ParseCalib(spec string, nsamples int) ([]CalibPart, error) {
	var parts []CalibPart
	counted := 0
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p := CalibPart{Source: item}
		if i := strings.LastIndexByte(item, ':'); i >= 0 {
			n, err := strconv.Atoi(item[i+1:])
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("calibration %q: %q is not a positive sample count", item, item[i+1:])
			}
			p = CalibPart{Source: item[:i], Samples: n}
			counted++
		}
		if !isFile(p.Source) {
			if _, err := corpus.Calibration(p.Source); err != nil {
				return nil, err
			}
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("calibration spec is empty (want e.g. de or en:64,de:64)")
	}
	if counted != 0 && counted != len(parts) {
		return nil, fmt.Errorf("calibration %q: give a count for every source or for none", spec)
	}
	if counted == 0 {
		if nsamples < len(parts) {
			return nil, fmt.Errorf("calibration: %d samples cannot be shared by %d sources", nsamples, len(parts))
		}
		for i := range parts {
			parts[i].Samples = nsamples / len(parts)
			if i < nsamples%len(parts) {
				parts[i].Samples++
			}
		}
	}
	return parts, nil
}

func isFile(s string) bool {
	ext := strings.ToLower(filepath.Ext(s))
	return ext == ".txt" || ext == ".jsonl"
}

// sourceText returns the text of a calibration source: a corpus language's
// calibration split, or a user's file, passages joined by blank lines.
func sourceText(src string, split string) (string, error) {
	var ps []corpus.Passage
	var err error
	switch {
	case isFile(src):
		ps, err = corpus.LoadFile(src)
	case split == "eval":
		ps, err = corpus.Eval(src)
	default:
		ps, err = corpus.Calibration(src)
	}
	if err != nil {
		return "", err
	}
	texts := make([]string, len(ps))
	for i, p := range ps {
		texts[i] = p.Text
	}
	return strings.Join(texts, "\n\n"), nil
}

// CalibrationWindows draws the calibration windows of every part: the
// source's text is tokenized (without special tokens) and each window is
// seqlen consecutive tokens at a uniformly random offset, as the Wanda and
// SparseGPT references cut their C4 samples. The same seed gives the same
// windows; parts draw from one generator in order.
func CalibrationWindows(tok *tokenizer.Tokenizer, parts []CalibPart, seqlen int, seed uint64) ([][]int, error) {
	if seqlen < 2 {
		return nil, fmt.Errorf("calibration: seqlen %d is too short", seqlen)
	}
	rng := rand.New(rand.NewPCG(seed, 0xca11b))
	var ws [][]int
	for _, p := range parts {
		text, err := sourceText(p.Source, "calib")
		if err != nil {
			return nil, err
		}
		ids := tok.Encode(text, false)
		if len(ids) < seqlen {
			return nil, fmt.Errorf("calibration %s: %d tokens, fewer than seqlen %d", p.Source, len(ids), seqlen)
		}
		for i := 0; i < p.Samples; i++ {
			off := rng.IntN(len(ids) - seqlen + 1)
			ws = append(ws, ids[off:off+seqlen])
		}
	}
	return ws, nil
}
