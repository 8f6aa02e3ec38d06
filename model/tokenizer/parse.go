package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// This file reads tokenizer.json. Every component type that is not
// implemented gives an error naming it; nothing is silently ignored that
// would change the token ids.

type jsonFile struct {
	Version       string          `json:"version"`
	AddedTokens   []jsonAdded     `json:"added_tokens"`
	Normalizer    json.RawMessage `json:"normalizer"`
	PreTokenizer  json.RawMessage `json:"pre_tokenizer"`
	PostProcessor json.RawMessage `json:"post_processor"`
	Decoder       json.RawMessage `json:"decoder"`
	Model         json.RawMessage `json:"model"`
	Truncation    json.RawMessage `json:"truncation"`
	Padding       json.RawMessage `json:"padding"`
}

type jsonAdded struct {
	ID         *int   `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	Lstrip     bool   `json:"lstrip"`
	Rstrip     bool   `json:"rstrip"`
	Normalized *bool  `json:"normalized"`
	Special    bool   `json:"special"`
}

type jsonModel struct {
	Type                    string            `json:"type"`
	Dropout                 *float64          `json:"dropout"`
	UnkToken                *string           `json:"unk_token"`
	ContinuingSubwordPrefix *string           `json:"continuing_subword_prefix"`
	EndOfWordSuffix         *string           `json:"end_of_word_suffix"`
	FuseUnk                 bool              `json:"fuse_unk"`
	ByteFallback            bool              `json:"byte_fallback"`
	IgnoreMerges            bool              `json:"ignore_merges"`
	Vocab                   map[string]int    `json:"vocab"`
	Merges                  []json.RawMessage `json:"merges"`
}

// jsonPattern is {"String": "..."} or {"Regex": "..."}.
type jsonPattern struct {
	String *string `json:"String"`
	Regex  *string `json:"Regex"`
}

type jsonComponent struct {
	Type string `json:"type"`

	// Sequences.
	Normalizers   []json.RawMessage `json:"normalizers"`
	Pretokenizers []json.RawMessage `json:"pretokenizers"`
	Processors    []json.RawMessage `json:"processors"`
	Decoders      []json.RawMessage `json:"decoders"`

	// Prepend, Replace, Split, Strip, Metaspace, ByteLevel, Digits.
	Prepend          string          `json:"prepend"`
	Pattern          jsonPattern     `json:"pattern"`
	Content          json.RawMessage `json:"content"`
	Behavior         string          `json:"behavior"`
	Invert           bool            `json:"invert"`
	Start            int             `json:"start"`
	Stop             int             `json:"stop"`
	Replacement      string          `json:"replacement"`
	PrependScheme    *string         `json:"prepend_scheme"`
	AddPrefixSpaceMS *bool           `json:"add_prefix_space"`
	Split            *bool           `json:"split"`
	UseRegex         *bool           `json:"use_regex"`
	IndividualDigits bool            `json:"individual_digits"`

	// TemplateProcessing, BertProcessing, RobertaProcessing.
	Single        json.RawMessage            `json:"single"`
	SpecialTokens map[string]jsonSpecialTmpl `json:"special_tokens"`
	Cls           []json.RawMessage          `json:"cls"`
	Sep           []json.RawMessage          `json:"sep"`
}

type jsonSpecialTmpl struct {
	ID     string   `json:"id"`
	IDs    []int    `json:"ids"`
	Tokens []string `json:"tokens"`
}

func isNull(m json.RawMessage) bool {
	m = bytes.TrimSpace(m)
	return len(m) == 0 || string(m) == "null"
}

// parseError builds an error that names the file and what is wrong.
func parseError(name, format string, args ...any) error {
	return fmt.Errorf("tokenizer: %s: %s", name, fmt.Sprintf(format, args...))
}

func parse(name string, data []byte) (*Tokenizer, error) {
	var f jsonFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, parseError(name, "invalid JSON: %v", err)
	}
	if isNull(f.Model) {
		return nil, parseError(name, "no \"model\"")
	}
	t := &Tokenizer{name: name, bos: -1, eos: -1}
	var err error
	if t.model, err = parseModel(name, f.Model); err != nil {
		return nil, err
	}
	if !isNull(f.Normalizer) {
		if t.norm, err = parseNormalizer(name, f.Normalizer); err != nil {
			return nil, err
		}
	}
	if !isNull(f.PreTokenizer) {
		if t.pre, err = parsePreTokenizer(name, f.PreTokenizer); err != nil {
			return nil, err
		}
	}
	if !isNull(f.PostProcessor) {
		if err = t.parsePost(f.PostProcessor); err != nil {
			return nil, err
		}
	}
	if !isNull(f.Decoder) {
		if t.dec, err = parseDecoder(name, f.Decoder); err != nil {
			return nil, err
		}
	}
	if err = t.buildVocab(f.AddedTokens); err != nil {
		return nil, err
	}
	t.guessBOSEOS()
	return t, nil
}

func parseModel(name string, raw json.RawMessage) (*bpeModel, error) {
	var jm jsonModel
	if err := json.Unmarshal(raw, &jm); err != nil {
		return nil, parseError(name, "model: %v", err)
	}
	if jm.Type != "BPE" && !(jm.Type == "" && jm.Merges != nil) {
		return nil, parseError(name, "unsupported model type %q (only BPE is supported)", jm.Type)
	}
	if jm.Dropout != nil && *jm.Dropout > 0 {
		return nil, parseError(name, "unsupported BPE dropout %v (encoding would be random)", *jm.Dropout)
	}
	m := &bpeModel{
		vocab:        make(map[string]int32, len(jm.Vocab)),
		unk:          -1,
		fuseUnk:      jm.FuseUnk,
		byteFallback: jm.ByteFallback,
		ignoreMerges: jm.IgnoreMerges,
		cache:        make(map[string][]int32),
	}
	if jm.ContinuingSubwordPrefix != nil {
		m.prefix = *jm.ContinuingSubwordPrefix
	}
	if jm.EndOfWordSuffix != nil {
		m.suffix = *jm.EndOfWordSuffix
	}
	for tok, id := range jm.Vocab {
		if id < 0 || id > maxTokenID {
			return nil, parseError(name, "model: token %q has id %d out of range", tok, id)
		}
		m.vocab[tok] = int32(id)
	}
	if jm.UnkToken != nil {
		id, ok := m.vocab[*jm.UnkToken]
		if !ok {
			return nil, parseError(name, "model: unk_token %q is not in the vocabulary", *jm.UnkToken)
		}
		m.unk = id
	}
	for b := 0; b < 256; b++ {
		m.byteIDs[b] = -1
		if id, ok := m.vocab[fmt.Sprintf("<0x%02X>", b)]; ok {
			m.byteIDs[b] = id
		}
	}
	m.merges = make(map[uint64]mergeInfo, len(jm.Merges))
	rank := 0
	for k, raw := range jm.Merges {
		var a, b string
		var s string
		var pair []string
		if err := json.Unmarshal(raw, &s); err == nil {
			if strings.HasPrefix(s, "#version") {
				continue
			}
			parts := strings.Split(s, " ")
			if len(parts) != 2 {
				return nil, parseError(name, "model: merge %d %q is not two tokens separated by a space", k, s)
			}
			a, b = parts[0], parts[1]
		} else if err := json.Unmarshal(raw, &pair); err == nil && len(pair) == 2 {
			a, b = pair[0], pair[1]
		} else {
			return nil, parseError(name, "model: merge %d is neither \"a b\" nor [\"a\", \"b\"]: %.40s", k, raw)
		}
		ia, ok := m.vocab[a]
		if !ok {
			return nil, parseError(name, "model: merge %d: token %q is not in the vocabulary", k, a)
		}
		ib, ok := m.vocab[b]
		if !ok {
			return nil, parseError(name, "model: merge %d: token %q is not in the vocabulary", k, b)
		}
		if len(b) < len(m.prefix) {
			return nil, parseError(name, "model: merge %d: token %q is shorter than the continuing_subword_prefix", k, b)
		}
		merged := a + b[len(m.prefix):]
		id, ok := m.vocab[merged]
		if !ok {
			return nil, parseError(name, "model: merge %d: result %q is not in the vocabulary", k, merged)
		}
		m.merges[pairKey(ia, ib)] = mergeInfo{rank: int32(rank), id: id}
		rank++
	}
	return m, nil
}

// maxTokenID bounds the ids accepted from a file.
const maxTokenID = 1<<24 - 1

func typeOf(name, what string, raw json.RawMessage) (jsonComponent, error) {
	var c jsonComponent
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, parseError(name, "%s: %v", what, err)
	}
	return c, nil
}

func parseNormalizer(name string, raw json.RawMessage) (normalizer, error) {
	c, err := typeOf(name, "normalizer", raw)
	if err != nil {
		return nil, err
	}
	switch c.Type {
	case "Sequence":
		q, err := parseSeq(name, c.Normalizers, parseNormalizer)
		if err != nil {
			return nil, err
		}
		return seqNorm(q), nil
	case "NFC":
		return nfcNorm{}, nil
	case "Prepend":
		return prependNorm(c.Prepend), nil
	case "Replace":
		content, err := contentString(c.Content)
		if err != nil || c.Pattern.String == nil {
			return nil, parseError(name, "unsupported normalizer Replace %s (only a String pattern with a string content)", raw)
		}
		return replaceNorm{*c.Pattern.String, content}, nil
	}
	return nil, parseError(name, "unsupported normalizer %q", c.Type)
}

// parseSeq parses the members of a Sequence component with parse,
// skipping null ones.
func parseSeq[T any](name string, items []json.RawMessage, parse func(string, json.RawMessage) (T, error)) ([]T, error) {
	var q []T
	for _, r := range items {
		if isNull(r) {
			continue
		}
		v, err := parse(name, r)
		if err != nil {
			return nil, err
		}
		q = append(q, v)
	}
	return q, nil
}

func contentString(raw json.RawMessage) (string, error) {
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

func parsePreTokenizer(name string, raw json.RawMessage) (preTokenizer, error) {
	c, err := typeOf(name, "pre_tokenizer", raw)
	if err != nil {
		return nil, err
	}
	switch c.Type {
	case "Sequence":
		q, err := parseSeq(name, c.Pretokenizers, parsePreTokenizer)
		if err != nil {
			return nil, err
		}
		return seqPre(q), nil
	case "Split":
		beh, ok := behaviorNames[c.Behavior]
		if !ok {
			return nil, parseError(name, "unsupported pre_tokenizer Split behavior %q", c.Behavior)
		}
		var m matcher
		switch {
		case c.Pattern.Regex != nil:
			scan, ok := knownPatterns[*c.Pattern.Regex]
			if !ok {
				return nil, parseError(name, "unsupported pre_tokenizer Split regex %q (known: the Llama 3, Qwen2 and GPT-2 patterns)", *c.Pattern.Regex)
			}
			m = scanMatcher{scan}
		case c.Pattern.String != nil:
			m = stringMatcher(*c.Pattern.String)
		default:
			return nil, parseError(name, "pre_tokenizer Split without a pattern")
		}
		return splitPre{m, beh, c.Invert}, nil
	case "ByteLevel":
		useRegex := c.UseRegex == nil || *c.UseRegex
		aps := c.AddPrefixSpaceMS != nil && *c.AddPrefixSpaceMS
		return byteLevelPre{addPrefixSpace: aps, useRegex: useRegex}, nil
	case "Metaspace":
		r, err := replacementRune(name, c.Replacement)
		if err != nil {
			return nil, err
		}
		scheme, err := prependScheme(name, c)
		if err != nil {
			return nil, err
		}
		split := c.Split == nil || *c.Split
		return metaspacePre{repl: r, prepend: scheme, split: split}, nil
	case "Digits":
		return digitsPre{individual: c.IndividualDigits}, nil
	}
	return nil, parseError(name, "unsupported pre_tokenizer %q", c.Type)
}

func replacementRune(name, s string) (rune, error) {
	if s == "" {
		return '▁', nil
	}
	r, n := utf8.DecodeRuneInString(s)
	if n != len(s) || r == utf8.RuneError {
		return 0, parseError(name, "Metaspace replacement %q is not one character", s)
	}
	return r, nil
}

// prependScheme reads "prepend_scheme", or the older "add_prefix_space".
func prependScheme(name string, c jsonComponent) (string, error) {
	if c.PrependScheme != nil {
		switch *c.PrependScheme {
		case "always", "first", "never":
			return *c.PrependScheme, nil
		}
		return "", parseError(name, "unsupported Metaspace prepend_scheme %q", *c.PrependScheme)
	}
	if c.AddPrefixSpaceMS != nil && !*c.AddPrefixSpaceMS {
		return "never", nil
	}
	return "always", nil
}

func parseDecoder(name string, raw json.RawMessage) (decoder, error) {
	c, err := typeOf(name, "decoder", raw)
	if err != nil {
		return nil, err
	}
	switch c.Type {
	case "Sequence":
		q, err := parseSeq(name, c.Decoders, parseDecoder)
		if err != nil {
			return nil, err
		}
		return seqDec(q), nil
	case "ByteLevel":
		return byteLevelDec{}, nil
	case "ByteFallback":
		return byteFallbackDec{}, nil
	case "Fuse":
		return fuseDec{}, nil
	case "Replace":
		content, err := contentString(c.Content)
		if err != nil || c.Pattern.String == nil {
			return nil, parseError(name, "unsupported decoder Replace %s (only a String pattern with a string content)", raw)
		}
		return replaceDec{*c.Pattern.String, content}, nil
	case "Strip":
		content, err := contentString(c.Content)
		r, n := utf8.DecodeRuneInString(content)
		if err != nil || n != len(content) || n == 0 || c.Start < 0 || c.Stop < 0 {
			return nil, parseError(name, "unsupported decoder Strip %s", raw)
		}
		return stripDec{content: r, start: c.Start, stop: c.Stop}, nil
	case "Metaspace":
		r, err := replacementRune(name, c.Replacement)
		if err != nil {
			return nil, err
		}
		scheme, err := prependScheme(name, c)
		if err != nil {
			return nil, err
		}
		return metaspaceDec{repl: r, prepend: scheme}, nil
	}
	return nil, parseError(name, "unsupported decoder %q", c.Type)
}

// parsePost reads the post_processor into the template of Encode(text, true).
func (t *Tokenizer) parsePost(raw json.RawMessage) error {
	c, err := typeOf(t.name, "post_processor", raw)
	if err != nil {
		return err
	}
	switch c.Type {
	case "Sequence":
		for _, r := range c.Processors {
			if isNull(r) {
				continue
			}
			if err := t.parsePost(r); err != nil {
				return err
			}
		}
		return nil
	case "ByteLevel":
		return nil // only changes offsets
	case "TemplateProcessing":
		if t.template != nil {
			return parseError(t.name, "more than one TemplateProcessing post_processor")
		}
		return t.parseTemplate(c)
	case "BertProcessing", "RobertaProcessing":
		if t.template != nil {
			return parseError(t.name, "more than one template post_processor")
		}
		cls, err1 := tokenIDPair(c.Cls)
		sep, err2 := tokenIDPair(c.Sep)
		if err1 != nil || err2 != nil {
			return parseError(t.name, "post_processor %s: bad cls/sep", c.Type)
		}
		t.template = []templatePart{{ids: []int{cls}}, {seq: true}, {ids: []int{sep}}}
		return nil
	}
	return parseError(t.name, "unsupported post_processor %q", c.Type)
}

func tokenIDPair(p []json.RawMessage) (int, error) {
	if len(p) != 2 {
		return 0, fmt.Errorf("want [token, id]")
	}
	var id int
	err := json.Unmarshal(p[1], &id)
	return id, err
}

// templatePart is a piece of the "single" template: the sequence, or ids.
type templatePart struct {
	seq bool
	ids []int
}

func (t *Tokenizer) parseTemplate(c jsonComponent) error {
	type tmplItem struct {
		SpecialToken *struct {
			ID string `json:"id"`
		} `json:"SpecialToken"`
		Sequence *struct {
			ID string `json:"id"`
		} `json:"Sequence"`
	}
	var names []string // "$A" or a special token name
	var items []tmplItem
	var str string
	switch {
	case json.Unmarshal(c.Single, &items) == nil:
		for _, it := range items {
			switch {
			case it.Sequence != nil:
				names = append(names, "$"+it.Sequence.ID)
			case it.SpecialToken != nil:
				names = append(names, it.SpecialToken.ID)
			default:
				return parseError(t.name, "TemplateProcessing: bad item in single")
			}
		}
	case json.Unmarshal(c.Single, &str) == nil:
		for _, f := range strings.Fields(str) {
			if strings.HasPrefix(f, "$") {
				f, _, _ = strings.Cut(f, ":")
				if f == "$" || f == "$0" {
					f = "$A"
				}
				names = append(names, f)
				continue
			}
			if i := strings.LastIndexByte(f, ':'); i > 0 {
				f = f[:i]
			}
			names = append(names, f)
		}
	default:
		return parseError(t.name, "TemplateProcessing: bad single template %s", c.Single)
	}
	tmpl := []templatePart{}
	for _, n := range names {
		if strings.HasPrefix(n, "$") {
			if n != "$A" {
				return parseError(t.name, "TemplateProcessing: single template uses %q", n)
			}
			tmpl = append(tmpl, templatePart{seq: true})
			continue
		}
		st, ok := c.SpecialTokens[n]
		if !ok {
			return parseError(t.name, "TemplateProcessing: special token %q missing from special_tokens", n)
		}
		tmpl = append(tmpl, templatePart{ids: st.IDs})
	}
	t.template = tmpl
	return nil
}
