package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// Hand-written matchers for the Split regexes of the supported tokenizers.
// Go's regexp has no look-ahead, which `\s+(?!\S)` needs, so each known
// pattern has a small scanner that reproduces the leftmost-first
// (backtracking, Oniguruma) semantics of the regex alternative by
// alternative. Character classes: \p{L} is unicode.IsLetter, \p{N} is
// unicode.IsNumber, \s is unicode.IsSpace (Unicode White_Space), as in
// Oniguruma. An invalid UTF-8 byte (which Rust strings cannot hold) is
// treated as one character of none of these classes, i.e. like punctuation.

// scanFunc returns the end of the match starting at i, or i when the
// pattern does not match at i.
type scanFunc func(s string, i int) int

// knownPatterns maps the regex source found in tokenizer.json to its scanner.
var knownPatterns = map[string]scanFunc{
	patLlama3: scanLlama3,
	patQwen2:  scanQwen2,
	patGPT2:   scanGPT2,
}

const (
	// Llama 3 (and pare's own tokenizer): digits in runs of up to three.
	patLlama3 = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
	// Qwen2, Qwen2.5, Qwen3: single digits.
	patQwen2 = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
	// GPT-2, also the ByteLevel pre-tokenizer's own pattern.
	patGPT2 = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
)

// Character classes.
const (
	clOther = iota
	clLetter
	clNumber
	clSpace
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		r := rune(c)
		switch {
		case unicode.IsLetter(r):
			t[c] = clLetter
		case unicode.IsNumber(r):
			t[c] = clNumber
		case unicode.IsSpace(r):
			t[c] = clSpace
		}
	}
	return
}()

// next decodes the character at i: its class and byte length. An invalid
// byte is a one-byte character of class clOther.
func next(s string, i int) (r rune, class uint8, n int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), asciiClass[c], 1
	}
	r, n = utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && n == 1 {
		return r, clOther, 1
	}
	switch {
	case unicode.IsLetter(r):
		return r, clLetter, n
	case unicode.IsNumber(r):
		return r, clNumber, n
	case unicode.IsSpace(r):
		return r, clSpace, n
	}
	return r, clOther, n
}

// classAt returns the class at i, or -1 at the end of s.
func classAt(s string, i int) int {
	if i >= len(s) {
		return -1
	}
	_, c, _ := next(s, i)
	return int(c)
}

// runOf returns the end of the run of characters of class c starting at i.
func runOf(s string, i int, c uint8) int {
	for i < len(s) {
		_, cl, n := next(s, i)
		if cl != c {
			break
		}
		i += n
	}
	return i
}

// foldEq reports whether the character at i equals the ASCII lower-case
// letter want under Oniguruma's case-insensitive matching, and its length.
func foldEq(s string, i int, want byte) (bool, int) {
	if i >= len(s) {
		return false, 0
	}
	c := s[i]
	if c == want || c == want-'a'+'A' {
		return true, 1
	}
	// U+017F LATIN SMALL LETTER LONG S folds to 's'.
	if want == 's' && i+1 < len(s) && c == 0xC5 && s[i+1] == 0xBF {
		return true, 2
	}
	return false, 0
}

// contraction matches the English contractions ('s, 't, 're, 've, 'm, 'll,
// 'd) at i, where s[i] is an apostrophe.
func contraction(s string, i int, fold bool) int {
	j := i + 1
	one := func(c byte) (bool, int) {
		if fold {
			return foldEq(s, j, c)
		}
		if j < len(s) && s[j] == c {
			return true, 1
		}
		return false, 0
	}
	for _, c := range []byte{'s', 't', 'm', 'd'} {
		if ok, n := one(c); ok {
			return j + n
		}
	}
	for _, p := range [3][2]byte{{'r', 'e'}, {'v', 'e'}, {'l', 'l'}} {
		if ok, n := one(p[0]); ok {
			j2 := j + n
			var ok2 bool
			var n2 int
			if fold {
				ok2, n2 = foldEq(s, j2, p[1])
			} else if j2 < len(s) && s[j2] == p[1] {
				ok2, n2 = true, 1
			}
			if ok2 {
				return j2 + n2
			}
		}
	}
	return i
}

// spaceTail handles the whitespace alternatives shared by all patterns, at
// i where a whitespace character starts: `\s*[\r\n]+` (when nl is true),
// then `\s+(?!\S)`, then `\s+`.
func spaceTail(s string, i int, nl bool) int {
	end, lastNL, lastStart := i, -1, i
	for end < len(s) {
		r, c, n := next(s, end)
		if c != clSpace {
			break
		}
		if r == '\r' || r == '\n' {
			lastNL = end
		}
		lastStart = end
		end += n
	}
	if nl && lastNL >= 0 {
		return lastNL + 1
	}
	if end == len(s) {
		return end
	}
	if lastStart > i {
		return lastStart
	}
	return end
}

func scanLlama3(s string, i int) int { return scanLlamaQwen(s, i, 3) }
func scanQwen2(s string, i int) int  { return scanLlamaQwen(s, i, 1) }

func scanLlamaQwen(s string, i int, maxDigits int) int {
	r, c, n := next(s, i)
	// (?i:'s|'t|'re|'ve|'m|'ll|'d)
	if r == '\'' {
		if e := contraction(s, i, true); e > i {
			return e
		}
	}
	// [^\r\n\p{L}\p{N}]?\p{L}+
	if c == clLetter {
		return runOf(s, i+n, clLetter)
	}
	if r != '\r' && r != '\n' && c != clNumber && classAt(s, i+n) == clLetter {
		return runOf(s, i+n, clLetter)
	}
	// \p{N}{1,maxDigits}
	if c == clNumber {
		j := i + n
		for k := 1; k < maxDigits && j < len(s); k++ {
			_, c2, n2 := next(s, j)
			if c2 != clNumber {
				break
			}
			j += n2
		}
		return j
	}
	// ' ?[^\s\p{L}\p{N}]+[\r\n]*'
	j := i
	if r == ' ' && classAt(s, i+1) == clOther {
		j = i + 1
	}
	if classAt(s, j) == clOther {
		j = runOf(s, j, clOther)
		for j < len(s) && (s[j] == '\r' || s[j] == '\n') {
			j++
		}
		return j
	}
	// \s*[\r\n]+ | \s+(?!\S) | \s+
	if c == clSpace {
		return spaceTail(s, i, true)
	}
	return i
}

func scanGPT2(s string, i int) int {
	r, c, n := next(s, i)
	// 's|'t|'re|'ve|'m|'ll|'d
	if r == '\'' {
		if e := contraction(s, i, false); e > i {
			return e
		}
	}
	// ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+'
	if r == ' ' {
		if c2 := classAt(s, i+1); c2 == clLetter || c2 == clNumber || c2 == clOther {
			return runOf(s, i+1, uint8(c2))
		}
	}
	if c != clSpace {
		return runOf(s, i+n, c)
	}
	// \s+(?!\S) | \s+
	return spaceTail(s, i, false)
}

// span is a part of a string: [start, end), and whether it is a match.
type span struct {
	start, end int
	match      bool
}

// scanMatches splits s into matches of scan and the gaps between them,
// covering all of s; an empty s gives one empty non-match.
func scanMatches(dst []span, s string, scan scanFunc) []span {
	if s == "" {
		return append(dst, span{0, 0, false})
	}
	prev := 0
	for i := 0; i < len(s); {
		e := scan(s, i)
		if e <= i {
			_, _, n := next(s, i)
			i += n
			continue
		}
		if prev != i {
			dst = append(dst, span{prev, i, false})
		}
		dst = append(dst, span{i, e, true})
		i, prev = e, e
	}
	if prev != len(s) {
		dst = append(dst, span{prev, len(s), false})
	}
	return dst
}
