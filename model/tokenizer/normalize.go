package tokenizer

import "strings"

// normalizer rewrites a piece of input text before pre-tokenization.
type normalizer interface {
	normalize(s string) string
}

type seqNorm []normalizer

func (q seqNorm) normalize(s string) string {
	for _, n := range q {
		s = n.normalize(s)
	}
	return s
}

// nfcNorm is the NFC normalizer (see nfc.go).
type nfcNorm struct{}

func (nfcNorm) normalize(s string) string { return nfc(s) }

// prependNorm prepends a string to non-empty text.
type prependNorm string

func (q prependNorm) normalize(s string) string {
	if s == "" {
		return s
	}
	return string(q) + s
}

// replaceNorm replaces every occurrence of a literal string.
type replaceNorm struct{ old, new string }

func (q replaceNorm) normalize(s string) string {
	if q.old == "" {
		return s
	}
	return strings.ReplaceAll(s, q.old, q.new)
}
