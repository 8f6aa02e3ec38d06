package tokenizer

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// addedToken is one entry of "added_tokens".
type addedToken struct {
	id         int
	content    string
	text       string // content as decoded: normalized when normalized is set
	singleWord bool
	lstrip     bool
	rstrip     bool
	normalized bool
	special    bool
}

// matchSet finds added tokens in text: leftmost-longest, non-overlapping,
// like the Aho-Corasick automaton (MatchKind::LeftmostLongest) of the Rust
// crate.
type matchSet struct {
	pats    []string
	toks    []*addedToken
	byFirst [256][]int32 // pattern indices by first byte, longest first
}

func newMatchSet(toks []*addedToken, pats []string) *matchSet {
	m := &matchSet{pats: pats, toks: toks}
	for i, p := range pats {
		if p == "" {
			continue
		}
		m.byFirst[p[0]] = append(m.byFirst[p[0]], int32(i))
	}
	for b := range m.byFirst {
		l := m.byFirst[b]
		sort.SliceStable(l, func(i, j int) bool { return len(pats[l[i]]) > len(pats[l[j]]) })
	}
	return m
}

func (m *matchSet) empty() bool { return m == nil || len(m.pats) == 0 }

// segment is a part of the text: either an added token (tok != nil) or
// text still to be tokenized.
type segment struct {
	start, end int
	tok        *addedToken
}

// isWordChar is `\w` of the Rust regex crate (Unicode word characters).
func isWordChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) ||
		unicode.Is(unicode.Pc, r) || unicode.Is(unicode.Nl, r) || r == 0x200C || r == 0x200D
}

// split finds the added tokens in s and returns segments covering s, as
// `AddedVocabulary::find_matches` does (single_word, lstrip and rstrip).
func (m *matchSet) split(dst []segment, s string) []segment {
	if s == "" {
		return dst
	}
	start := 0
	for i := 0; i < len(s); {
		var hit int32 = -1
		for _, k := range m.byFirst[s[i]] {
			if strings.HasPrefix(s[i:], m.pats[k]) {
				hit = k
				break
			}
		}
		if hit < 0 {
			i++
			continue
		}
		a, b := i, i+len(m.pats[hit])
		i = b
		tok := m.toks[hit]
		if tok.singleWord {
			startOK := a == 0
			if !startOK {
				r, _ := utf8.DecodeLastRuneInString(s[:a])
				startOK = !isWordChar(r)
			}
			stopOK := b == len(s)
			if !stopOK {
				r, _ := utf8.DecodeRuneInString(s[b:])
				stopOK = !isWordChar(r)
			}
			if !startOK || !stopOK {
				continue
			}
		}
		if tok.lstrip {
			na := len(strings.TrimRightFunc(s[:a], unicode.IsSpace))
			a = max(na, start)
		}
		if tok.rstrip {
			b += len(s[b:]) - len(strings.TrimLeftFunc(s[b:], unicode.IsSpace))
		}
		if start < a {
			dst = append(dst, segment{start, a, nil})
		}
		dst = append(dst, segment{a, b, tok})
		start = b
	}
	if start < len(s) {
		dst = append(dst, segment{start, len(s), nil})
	}
	return dst
}
