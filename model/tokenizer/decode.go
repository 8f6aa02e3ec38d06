package tokenizer

import (
	"strings"
	"unicode/utf8"
)

// decoder turns the token strings back into text, as the decode_chain of
// the Rust decoders. raw asks for the bytes themselves instead of the
// lossy UTF-8 conversions (DecodeBytes).
type decoder interface {
	decodeChain(toks []string, raw bool) []string
}

type seqDec []decoder

func (q seqDec) decodeChain(toks []string, raw bool) []string {
	for _, d := range q {
		toks = d.decodeChain(toks, raw)
	}
	return toks
}

// byteLevelDec maps the byte-level characters back to bytes. A token with a
// character outside the table (an added token such as "<|eot_id|>") is
// taken as its own UTF-8 bytes.
type byteLevelDec struct{}

func (byteLevelDec) decodeChain(toks []string, raw bool) []string {
	var b []byte
	for _, t := range toks {
		start := len(b)
		for _, r := range t {
			c, ok := charBytes[r]
			if !ok {
				b = append(b[:start], t...)
				break
			}
			b = append(b, c)
		}
	}
	if raw {
		return []string{string(b)}
	}
	return []string{lossyUTF8(b)}
}

// replaceDec replaces a literal string in every token.
type replaceDec struct{ old, new string }

func (q replaceDec) decodeChain(toks []string, raw bool) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		if q.old == "" {
			out[i] = t
		} else {
			out[i] = strings.ReplaceAll(t, q.old, q.new)
		}
	}
	return out
}

// byteFallbackDec turns runs of "<0xXX>" tokens into the text they encode;
// a run that is not valid UTF-8 gives one U+FFFD per byte.
type byteFallbackDec struct{}

func parseByteToken(t string) (byte, bool) {
	if len(t) != 6 || !strings.HasPrefix(t, "<0x") || t[5] != '>' {
		return 0, false
	}
	hi, ok1 := hexVal(t[3])
	lo, ok2 := hexVal(t[4])
	return hi<<4 | lo, ok1 && ok2
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (byteFallbackDec) decodeChain(toks []string, raw bool) []string {
	out := make([]string, 0, len(toks))
	var pend []byte
	flush := func() {
		if len(pend) == 0 {
			return
		}
		if raw || utf8.Valid(pend) {
			out = append(out, string(pend))
		} else {
			for range pend {
				out = append(out, "\uFFFD")
			}
		}
		pend = pend[:0]
	}
	for _, t := range toks {
		if b, ok := parseByteToken(t); ok {
			pend = append(pend, b)
			continue
		}
		flush()
		out = append(out, t)
	}
	flush()
	return out
}

// fuseDec joins all tokens into one.
type fuseDec struct{}

func (fuseDec) decodeChain(toks []string, raw bool) []string {
	return []string{strings.Join(toks, "")}
}

// stripDec removes up to start leading and stop trailing occurrences of a
// character from every token.
type stripDec struct {
	content     rune
	start, stop int
}

func (q stripDec) decodeChain(toks []string, raw bool) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		for k := 0; k < q.start; k++ {
			r, n := utf8.DecodeRuneInString(t)
			if n == 0 || r != q.content || (r == utf8.RuneError && n == 1) {
				break
			}
			t = t[n:]
		}
		for k := 0; k < q.stop; k++ {
			r, n := utf8.DecodeLastRuneInString(t)
			if n == 0 || r != q.content || (r == utf8.RuneError && n == 1) {
				break
			}
			t = t[:len(t)-n]
		}
		out[i] = t
	}
	return out
}

// metaspaceDec turns the replacement character back into spaces; in the
// first token it is dropped instead (unless the prepend scheme is "never").
type metaspaceDec struct {
	repl    rune
	prepend string
}

func (q metaspaceDec) decodeChain(toks []string, raw bool) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		var b strings.Builder
		for j := 0; j < len(t); {
			r, n := utf8.DecodeRuneInString(t[j:])
			if r == q.repl && n > 1 {
				if !(i == 0 && j == 0 && q.prepend != "never") {
					b.WriteByte(' ')
				}
			} else {
				b.WriteString(t[j : j+n])
			}
			j += n
		}
		out[i] = b.String()
	}
	return out
}

// lossyUTF8 converts b to a string replacing each maximal invalid
// subsequence by U+FFFD, as Rust's String::from_utf8_lossy does.
func lossyUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + 8)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || n > 1 {
			sb.Write(b[i : i+n])
			i += n
			continue
		}
		sb.WriteString("\uFFFD")
		i += invalidLen(b[i:])
	}
	return sb.String()
}

// invalidLen returns the length of the maximal subpart of an ill-formed
// sequence at the start of b (at least 1).
func invalidLen(b []byte) int {
	c := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c >= 0xE1 && c <= 0xEC || c == 0xEE || c == 0xEF:
		need = 2
	case c == 0xED:
		need, hi = 2, 0x9F
	case c == 0xF0:
		need, lo = 3, 0x90
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	case c == 0xF4:
		need, hi = 3, 0x8F
	default:
		return 1
	}
	n := 1
	for k := 0; k < need && n < len(b); k++ {
		x := b[n]
		if k == 0 {
			if x < lo || x > hi {
				break
			}
		} else if x < 0x80 || x > 0xBF {
			break
		}
		n++
	}
	return n
}
