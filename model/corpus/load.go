package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// MaxFileSize is the largest user text file LoadFile reads (256 MiB).
const MaxFileSize = 256 << 20

// LoadFile reads a user's text for calibration or evaluation. The format
// follows the file name's extension:
//
//   - .txt: passages are paragraphs separated by blank lines (lines holding
//     only white space count as blank); line breaks inside a paragraph are
//     kept.
//   - .jsonl: one JSON object per line with a "text" string; optional
//     "lang" (string) and "article" (integer) fields fill the Passage.
//     Blank lines are skipped.
//
// Passages without an article number are numbered by their position in the
// file, from 0. The file must be valid UTF-8 and hold at least one passage.
func LoadFile(name string) ([]Passage, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", name, err)
	}
	if len(raw) > MaxFileSize {
		return nil, fmt.Errorf("corpus %s: file larger than %d bytes", name, MaxFileSize)
	}
	return Parse(name, raw)
}

// Parse is LoadFile on bytes already in memory (a browser upload, say);
// name gives the format by its extension and is used in errors.
func Parse(name string, raw []byte) ([]Passage, error) {
	var (
		ps  []Passage
		err error
	)
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".txt":
		ps, err = parseText(raw)
	case ".jsonl":
		ps, err = parseJSONL(raw)
	default:
		return nil, fmt.Errorf("corpus %s: unknown extension %q (want .txt or .jsonl)", name, ext)
	}
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", name, err)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("corpus %s: no text", name)
	}
	return ps, nil
}

func parseText(raw []byte) ([]Passage, error) {
	if !utf8.Valid(raw) {
		return nil, errors.New("not valid UTF-8")
	}
	s := strings.ReplaceAll(string(raw), "\r\n", "\n")
	s = strings.TrimPrefix(s, "\ufeff")
	var (
		ps   []Passage
		para []string
	)
	flush := func() {
		if len(para) > 0 {
			ps = append(ps, Passage{Article: len(ps), Text: strings.Join(para, "\n")})
			para = para[:0]
		}
	}
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		para = append(para, strings.TrimRight(line, " \t\r"))
	}
	flush()
	return ps, nil
}

// jsonlRecord is one line of a user's .jsonl file.
type jsonlRecord struct {
	Text    *string `json:"text"`
	Lang    string  `json:"lang"`
	Article *int    `json:"article"`
}

func parseJSONL(raw []byte) ([]Passage, error) {
	raw = bytes.TrimPrefix(raw, []byte("\ufeff"))
	var ps []Passage
	for n, line := range bytes.Split(raw, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if !utf8.Valid(line) {
			return nil, fmt.Errorf("line %d: not valid UTF-8", n+1)
		}
		var r jsonlRecord
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		if r.Text == nil {
			return nil, fmt.Errorf("line %d: no \"text\" field", n+1)
		}
		if *r.Text == "" {
			continue
		}
		p := Passage{Lang: r.Lang, Article: len(ps), Text: *r.Text}
		if r.Article != nil {
			p.Article = *r.Article
		}
		ps = append(ps, p)
	}
	return ps, nil
}
