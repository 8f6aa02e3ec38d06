// Package corpus holds pare's embedded multilingual text: the Universal
// Declaration of Human Rights in 24 languages, split by article into a
// calibration part and a held-out evaluation part, and a reader for users'
// own text files.
//
// Language ids are ISO 639-1 codes (ar, bn, de, el, en, es, fa, fr, he, hi,
// id, it, ja, ko, nl, pl, pt, ru, sw, th, tr, uk, vi, zh). The calibration
// split of each language is the preamble (article 0) and articles 1..20; the
// evaluation split is articles 21..30. Article ids are the same in every
// language, so passages are parallel translations of each other. The data
// and the translation each id maps to (zh is Simplified Chinese, de the 1996
// orthography, pt European Portuguese ...) are described in
// data/PROVENANCE.md and were made by scripts/corpus/extract_udhr.py.
//
//	calib, err := corpus.Calibration("sw")
//	if err != nil { ... }
//	for _, p := range calib {
//		fmt.Println(p.Article, p.Text)
//	}
package corpus

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
)

//go:embed data/*.jsonl data/languages.json data/PROVENANCE.md
var data embed.FS

// Passage is one unit of text: an article of the declaration for the
// embedded corpus, a paragraph or a line for a user's file.
type Passage struct {
	Lang    string // language id ("" when a user's file does not say)
	Article int    // article number (0 = preamble) or position in a user's file
	Text    string
}

// Split names, as stored in the embedded JSONL files.
const (
	splitCalib = "calib"
	splitEval  = "eval"
)

// UnknownLanguageError is returned for a language id the corpus lacks.
type UnknownLanguageError struct {
	Lang      string
	Available []string
}

func (e *UnknownLanguageError) Error() string {
	return fmt.Sprintf("corpus: unknown language %q (available: %s)", e.Lang, strings.Join(e.Available, ", "))
}

type langData struct {
	calib, eval []Passage
	err         error
}

var (
	langsOnce sync.Once
	langs     []string

	cacheMu sync.Mutex
	cache   = map[string]*langData{}
)

// Languages returns the ids of the embedded languages, sorted.
func Languages() []string {
	langsOnce.Do(func() {
		ents, err := data.ReadDir("data")
		if err != nil {
			panic("corpus: embedded data missing: " + err.Error())
		}
		for _, e := range ents {
			if name, ok := strings.CutSuffix(e.Name(), ".jsonl"); ok {
				langs = append(langs, name)
			}
		}
		sort.Strings(langs)
	})
	return append([]string(nil), langs...)
}

// Calibration returns the calibration passages of a language (preamble and
// articles 1..20) in article order.
func Calibration(lang string) ([]Passage, error) {
	d, err := load(lang)
	if err != nil {
		return nil, err
	}
	return append([]Passage(nil), d.calib...), nil
}

// Eval returns the held-out evaluation passages of a language (articles
// 21..30) in article order.
func Eval(lang string) ([]Passage, error) {
	d, err := load(lang)
	if err != nil {
		return nil, err
	}
	return append([]Passage(nil), d.eval...), nil
}

func load(lang string) (*langData, error) {
	known := Languages()
	i := sort.SearchStrings(known, lang)
	if i == len(known) || known[i] != lang {
		return nil, &UnknownLanguageError{Lang: lang, Available: known}
	}
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if d, ok := cache[lang]; ok {
		return d, d.err
	}
	d := &langData{}
	d.calib, d.eval, d.err = parseEmbedded(lang)
	cache[lang] = d
	return d, d.err
}

// embeddedRecord is one line of data/<lang>.jsonl.
type embeddedRecord struct {
	Lang    string `json:"lang"`
	Article *int   `json:"article"`
	Split   string `json:"split"`
	Text    string `json:"text"`
}

func parseEmbedded(lang string) (calib, eval []Passage, err error) {
	name := path.Join("data", lang+".jsonl")
	raw, err := data.ReadFile(name)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %w", err)
	}
	for n, line := range bytes.Split(raw, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r embeddedRecord
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, nil, fmt.Errorf("corpus: %s:%d: %w", name, n+1, err)
		}
		if r.Lang != lang || r.Article == nil || r.Text == "" {
			return nil, nil, fmt.Errorf("corpus: %s:%d: bad record", name, n+1)
		}
		p := Passage{Lang: r.Lang, Article: *r.Article, Text: r.Text}
		switch r.Split {
		case splitCalib:
			calib = append(calib, p)
		case splitEval:
			eval = append(eval, p)
		default:
			return nil, nil, fmt.Errorf("corpus: %s:%d: unknown split %q", name, n+1, r.Split)
		}
	}
	return calib, eval, nil
}
