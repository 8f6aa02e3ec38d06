package tokenizer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// piece is a part of the text on its way through the pre-tokenizers.
// first reports whether it starts at offset 0 of the original input (the
// Metaspace pre-tokenizer's prepend_scheme "first" needs it).
type piece struct {
	s     string
	first bool
}

// preTokenizer splits (and possibly rewrites) pieces. It appends the
// non-empty results for p to dst.
type preTokenizer interface {
	preTokenize(dst []piece, p piece) []piece
}

// seqPre is the Sequence pre-tokenizer: each one runs on all the pieces of
// the previous one.
type seqPre []preTokenizer

func (q seqPre) preTokenize(dst []piece, p piece) []piece {
	cur := []piece{p}
	var nxt []piece
	for _, pt := range q {
		nxt = nxt[:0]
		for _, c := range cur {
			nxt = pt.preTokenize(nxt, c)
		}
		cur, nxt = nxt, cur
	}
	return append(dst, cur...)
}

// splitBehavior says what happens to the matches of a Split.
type splitBehavior int

const (
	behRemoved splitBehavior = iota
	behIsolated
	behMergedWithPrevious
	behMergedWithNext
	behContiguous
)

var behaviorNames = map[string]splitBehavior{
	"Removed":            behRemoved,
	"Isolated":           behIsolated,
	"MergedWithPrevious": behMergedWithPrevious,
	"MergedWithNext":     behMergedWithNext,
	"Contiguous":         behContiguous,
}

// matcher finds the matches of a pattern: spans covering all of s.
type matcher interface {
	matches(dst []span, s string) []span
}

type scanMatcher struct{ scan scanFunc }

func (m scanMatcher) matches(dst []span, s string) []span { return scanMatches(dst, s, m.scan) }

// stringMatcher matches a literal string (non-overlapping, left to right).
type stringMatcher string

func (m stringMatcher) matches(dst []span, s string) []span {
	if m == "" {
		return append(dst, span{0, len(s), false})
	}
	if s == "" {
		return append(dst, span{0, 0, false})
	}
	prev := 0
	for i := 0; i < len(s); {
		k := strings.Index(s[i:], string(m))
		if k < 0 {
			break
		}
		a := i + k
		if a != prev {
			dst = append(dst, span{prev, a, false})
		}
		dst = append(dst, span{a, a + len(m), true})
		i, prev = a+len(m), a+len(m)
	}
	if prev != len(s) {
		dst = append(dst, span{prev, len(s), false})
	}
	return dst
}

// funcMatcher matches every single character for which f is true.
type funcMatcher func(r rune) bool

func (f funcMatcher) matches(dst []span, s string) []span {
	if s == "" {
		return append(dst, span{0, 0, false})
	}
	last := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if f(r) && !(r == utf8.RuneError && n == 1) {
			if last < i {
				dst = append(dst, span{last, i, false})
			}
			dst = append(dst, span{i, i + n, true})
			last = i + n
		}
		i += n
	}
	if len(s) > last {
		dst = append(dst, span{last, len(s), false})
	}
	return dst
}

// splitSpans applies a Split behaviour to matches, in place, as the Rust
// `NormalizedString::split` does; the returned spans have match set for the
// parts to remove.
func splitSpans(sp []span, beh splitBehavior, invert bool) []span {
	if invert {
		for i := range sp {
			sp[i].match = !sp[i].match
		}
	}
	switch beh {
	case behRemoved:
		return sp
	case behIsolated:
		for i := range sp {
			sp[i].match = false
		}
		return sp
	case behContiguous:
		out := sp[:0]
		prev := false
		for _, s := range sp {
			m := s.match
			if m == prev && len(out) > 0 {
				out[len(out)-1].end = s.end
			} else {
				out = append(out, span{s.start, s.end, false})
			}
			prev = m
		}
		return out
	case behMergedWithPrevious:
		out := sp[:0]
		prev := false
		for _, s := range sp {
			if s.match && !prev && len(out) > 0 {
				out[len(out)-1].end = s.end
			} else {
				out = append(out, span{s.start, s.end, false})
			}
			prev = s.match
		}
		return out
	case behMergedWithNext:
		// Walk backwards, then reverse.
		out := make([]span, 0, len(sp))
		prev := false
		for i := len(sp) - 1; i >= 0; i-- {
			s := sp[i]
			if s.match && !prev && len(out) > 0 {
				out[len(out)-1].start = s.start
			} else {
				out = append(out, span{s.start, s.end, false})
			}
			prev = s.match
		}
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
		return out
	}
	return sp
}

// appendSplits appends the kept, non-empty parts of p.
func appendSplits(dst []piece, p piece, sp []span) []piece {
	for _, s := range sp {
		if s.match || s.end <= s.start {
			continue
		}
		dst = append(dst, piece{p.s[s.start:s.end], p.first && s.start == 0})
	}
	return dst
}

// splitPre is the Split pre-tokenizer.
type splitPre struct {
	m        matcher
	behavior splitBehavior
	invert   bool
}

func (q splitPre) preTokenize(dst []piece, p piece) []piece {
	var buf [32]span
	sp := q.m.matches(buf[:0], p.s)
	return appendSplits(dst, p, splitSpans(sp, q.behavior, q.invert))
}

// byteLevelPre is the ByteLevel pre-tokenizer: optional prefix space,
// optional GPT-2 split, then every byte mapped to its printable character.
type byteLevelPre struct {
	addPrefixSpace bool
	useRegex       bool
}

func (q byteLevelPre) preTokenize(dst []piece, p piece) []piece {
	s := p.s
	if q.addPrefixSpace && !strings.HasPrefix(s, " ") {
		s = " " + s
	}
	if !q.useRegex {
		if s != "" {
			dst = append(dst, piece{byteLevelEncode(s), p.first})
		}
		return dst
	}
	var buf [32]span
	for _, sp := range scanMatches(buf[:0], s, scanGPT2) {
		if sp.end > sp.start {
			dst = append(dst, piece{byteLevelEncode(s[sp.start:sp.end]), p.first && sp.start == 0})
		}
	}
	return dst
}

// byteChars maps a byte to its character in byte-level BPE vocabularies
// (GPT-2's bytes_to_unicode); charBytes is the inverse.
var byteChars, charBytes = func() (bc [256]string, cb map[rune]byte) {
	cb = make(map[rune]byte, 256)
	n := 0
	for b := 0; b < 256; b++ {
		r := rune(b)
		if !(b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF) {
			r = rune(256 + n)
			n++
		}
		bc[b] = string(r)
		cb[r] = byte(b)
	}
	return
}()

func byteLevelEncode(s string) string {
	var b strings.Builder
	b.Grow(2 * len(s))
	for i := 0; i < len(s); i++ {
		b.WriteString(byteChars[s[i]])
	}
	return b.String()
}

// metaspacePre is the Metaspace pre-tokenizer: spaces become the
// replacement character, which is prepended according to the scheme, and
// the text is optionally split before each replacement character.
type metaspacePre struct {
	repl    rune
	prepend string // "always", "first" or "never"
	split   bool
}

func (q metaspacePre) preTokenize(dst []piece, p piece) []piece {
	rs := string(q.repl)
	s := strings.ReplaceAll(p.s, " ", rs)
	if !strings.HasPrefix(s, rs) && (q.prepend == "always" || q.prepend == "first" && p.first) {
		s = rs + s
	}
	np := piece{s, p.first}
	if !q.split {
		if s != "" {
			dst = append(dst, np)
		}
		return dst
	}
	var buf [32]span
	repl := q.repl
	sp := funcMatcher(func(r rune) bool { return r == repl }).matches(buf[:0], s)
	return appendSplits(dst, np, splitSpans(sp, behMergedWithNext, false))
}

// digitsPre is the Digits pre-tokenizer.
type digitsPre struct{ individual bool }

func (q digitsPre) preTokenize(dst []piece, p piece) []piece {
	var buf [32]span
	sp := funcMatcher(unicode.IsNumber).matches(buf[:0], p.s)
	beh := behContiguous
	if q.individual {
		beh = behIsolated
	}
	return appendSplits(dst, p, splitSpans(sp, beh, false))
}
