// Package tokenizer reads Hugging Face tokenizer.json files and encodes text
// exactly like the Rust `tokenizers` library does, for the BPE tokenizers of
// Llama 3 (and pare's own tiny tokenizer, which has the same structure),
// Qwen2/Qwen2.5/Qwen3, GPT-2, and SentencePiece-style BPE with byte fallback
// (Llama 2, Mistral, Gemma).
//
// Supported components (anything else is an error naming the file and the
// component):
//
//   - model: BPE (vocab, merges as "a b" or ["a", "b"], byte_fallback,
//     unk_token, fuse_unk, ignore_merges, continuing_subword_prefix,
//     end_of_word_suffix; dropout must be null or 0);
//   - normalizer: NFC, Prepend, Replace (string pattern), Sequence;
//   - pre_tokenizer: ByteLevel, Split (string patterns, and the Llama 3,
//     Qwen2 and GPT-2 regexes through hand-written scanners), Metaspace,
//     Digits, Sequence;
//   - post_processor: TemplateProcessing, BertProcessing, RobertaProcessing,
//     ByteLevel, Sequence;
//   - decoder: ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace,
//     Sequence;
//   - added_tokens with their single_word, lstrip, rstrip, normalized and
//     special flags.
//
// Text is first split on the added tokens (which BPE never splits), then
// each remaining part is normalized, pre-tokenized and merged by BPE.
//
// Strings that are not valid UTF-8 are accepted: an invalid byte is a
// one-byte character of no class (like punctuation), byte-level encoding
// keeps it, and byte-fallback vocabularies encode it as its <0xXX> token.
// DecodeBytes gives such bytes back exactly; Decode, like the Rust library,
// replaces invalid UTF-8 with U+FFFD.
//
// The NFC normalizer is implemented here (nfc.go) with tables generated from
// Unicode 14.0 data; it matches the Rust library on every character both
// Unicode versions know. Character classes of the pre-tokenizer patterns use
// Go's unicode package.
//
// Example:
//
//	tk, err := tokenizer.Load("Llama-3.2-1B/tokenizer.json")
//	if err != nil {
//		return err
//	}
//	ids := tk.Encode("Hello world", true) // [128000 9906 1917]
//	text := tk.Decode(ids, true)          // "Hello world"
package tokenizer

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// Tokenizer is a loaded tokenizer.json. It is safe for concurrent use.
type Tokenizer struct {
	name     string
	model    *bpeModel
	norm     normalizer   // nil: none
	pre      preTokenizer // nil: none
	dec      decoder      // nil: tokens joined by spaces
	template []templatePart

	added     []*addedToken
	addedByID map[int]*addedToken
	addedByS  map[string]*addedToken
	rawSet    *matchSet // non-normalized added tokens, matched on the input
	normSet   *matchSet // normalized added tokens, matched after normalization

	idToTok   []string
	vocabSize int
	bos, eos  int
}

// Load reads and parses a tokenizer.json file.
func Load(path string) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	return parse(path, data)
}

// Parse parses the contents of a tokenizer.json file.
func Parse(data []byte) (*Tokenizer, error) {
	return parse("tokenizer.json", data)
}

// buildVocab registers the added tokens and the id -> token table.
func (t *Tokenizer) buildVocab(list []jsonAdded) error {
	t.addedByID = make(map[int]*addedToken)
	t.addedByS = make(map[string]*addedToken)
	maxID := -1
	for _, id := range t.model.vocab {
		maxID = max(maxID, int(id))
	}
	for i, ja := range list {
		if ja.Content == "" {
			continue
		}
		if _, dup := t.addedByS[ja.Content]; dup {
			continue
		}
		id := -1
		if v, ok := t.model.vocab[ja.Content]; ok {
			id = int(v)
		} else if ja.ID != nil {
			id = *ja.ID
		}
		if id < 0 || id > maxTokenID {
			return parseError(t.name, "added_tokens[%d] %q: bad or missing id", i, ja.Content)
		}
		normalized := !ja.Special
		if ja.Normalized != nil {
			normalized = *ja.Normalized
		}
		at := &addedToken{id: id, content: ja.Content, singleWord: ja.SingleWord, lstrip: ja.Lstrip,
			rstrip: ja.Rstrip, normalized: normalized, special: ja.Special}
		t.added = append(t.added, at)
		t.addedByS[at.content] = at
		t.addedByID[id] = at
		maxID = max(maxID, id)
	}
	if n := len(t.model.vocab) + len(t.added); maxID >= 2*n+1024 {
		return parseError(t.name, "token ids are not dense (largest %d for %d tokens)", maxID, n)
	}
	t.vocabSize = maxID + 1
	t.idToTok = make([]string, t.vocabSize)
	for s, id := range t.model.vocab {
		t.idToTok[id] = s
	}
	for _, at := range t.added {
		at.text = at.content
		if at.normalized && t.norm != nil {
			at.text = t.norm.normalize(at.content)
		}
	}
	// Special tokens come first in the matching sets, as in the Rust crate.
	var rawToks, normToks []*addedToken
	var rawPats, normPats []string
	for pass := 0; pass < 2; pass++ {
		for _, at := range t.added {
			if at.special != (pass == 0) {
				continue
			}
			if at.normalized {
				normToks, normPats = append(normToks, at), append(normPats, at.text)
			} else {
				rawToks, rawPats = append(rawToks, at), append(rawPats, at.content)
			}
		}
	}
	t.rawSet = newMatchSet(rawToks, rawPats)
	t.normSet = newMatchSet(normToks, normPats)
	return nil
}

// guessBOSEOS picks the BOS token from the post-processor template (the
// special token before the sequence) or from the usual names, and the EOS
// token from the template (after the sequence) or the usual names.
func (t *Tokenizer) guessBOSEOS() {
	seen := false
	for _, p := range t.template {
		switch {
		case p.seq:
			seen = true
		case !seen && len(p.ids) == 1 && t.bos < 0:
			t.bos = p.ids[0]
		case seen && len(p.ids) == 1 && t.eos < 0:
			t.eos = p.ids[0]
		}
	}
	if t.bos < 0 {
		for _, s := range []string{"<|begin_of_text|>", "<s>", "<bos>", "<|startoftext|>"} {
			if id, ok := t.TokenToID(s); ok {
				t.bos = id
				break
			}
		}
	}
	if t.eos < 0 {
		for _, s := range []string{"<|end_of_text|>", "</s>", "<eos>", "<|endoftext|>", "<|im_end|>", "<|eot_id|>"} {
			if id, ok := t.TokenToID(s); ok {
				t.eos = id
				break
			}
		}
	}
}

// SetBOS and SetEOS override the guessed BOS/EOS tokens (for instance from
// tokenizer_config.json). They must not be called concurrently with other
// methods.
func (t *Tokenizer) SetBOS(token string) error { return t.setSpecial(&t.bos, token) }

// SetEOS: see SetBOS.
func (t *Tokenizer) SetEOS(token string) error { return t.setSpecial(&t.eos, token) }

func (t *Tokenizer) setSpecial(dst *int, token string) error {
	id, ok := t.TokenToID(token)
	if !ok {
		return fmt.Errorf("tokenizer: %s: token %q is not in the vocabulary", t.name, token)
	}
	*dst = id
	return nil
}

// BOS returns the beginning-of-sequence token id, if known.
func (t *Tokenizer) BOS() (int, bool) { return t.bos, t.bos >= 0 }

// EOS returns the end-of-sequence token id, if known.
func (t *Tokenizer) EOS() (int, bool) { return t.eos, t.eos >= 0 }

// VocabSize returns 1 + the largest token id (model vocabulary and added
// tokens); with dense ids, as in every real tokenizer.json, this is the
// number of tokens.
func (t *Tokenizer) VocabSize() int { return t.vocabSize }

// TokenToID returns the id of a token (an added token or a vocabulary entry,
// in its vocabulary form, e.g. "Ġthe" or "▁the").
func (t *Tokenizer) TokenToID(tok string) (int, bool) {
	if at, ok := t.addedByS[tok]; ok {
		return at.id, true
	}
	id, ok := t.model.vocab[tok]
	return int(id), ok
}

// IDToToken returns the token of an id, or "" for an unknown id. For an
// added token with the normalized flag this is its normalized content, as
// in the Rust library.
func (t *Tokenizer) IDToToken(id int) string {
	if at, ok := t.addedByID[id]; ok {
		return at.text
	}
	if id >= 0 && id < len(t.idToTok) {
		return t.idToTok[id]
	}
	return ""
}

// IsSpecial reports whether id is a special added token (one that Decode
// skips with skipSpecial).
func (t *Tokenizer) IsSpecial(id int) bool {
	at, ok := t.addedByID[id]
	return ok && at.special
}

// Encode returns the token ids of text. With addSpecial the post-processor
// template is applied (e.g. BOS + text).
func (t *Tokenizer) Encode(text string, addSpecial bool) []int {
	ids := make([]int, 0, len(text)/3+4)
	if addSpecial && t.template != nil {
		for _, p := range t.template {
			if p.seq {
				ids = t.encode(ids, text)
			} else {
				ids = append(ids, p.ids...)
			}
		}
		return ids
	}
	return t.encode(ids, text)
}

func (t *Tokenizer) encode(ids []int, text string) []int {
	var segBuf [16]segment
	segs := t.rawSet.split(segBuf[:0], text)
	var pieces []piece
	for _, sg := range segs {
		if sg.tok != nil {
			ids = append(ids, sg.tok.id)
			continue
		}
		s := text[sg.start:sg.end]
		if s == "" {
			continue
		}
		if t.norm != nil {
			s = t.norm.normalize(s)
		}
		first := sg.start == 0
		if t.normSet.empty() {
			pieces = t.preTokenize(pieces[:0], piece{s, first})
			ids = t.tokenizePieces(ids, pieces)
			continue
		}
		var sub [8]segment
		for _, s2 := range t.normSet.split(sub[:0], s) {
			if s2.tok != nil {
				ids = append(ids, s2.tok.id)
				continue
			}
			if s2.end <= s2.start {
				continue
			}
			pieces = t.preTokenize(pieces[:0], piece{s[s2.start:s2.end], first && s2.start == 0})
			ids = t.tokenizePieces(ids, pieces)
		}
	}
	return ids
}

func (t *Tokenizer) preTokenize(dst []piece, p piece) []piece {
	if p.s == "" {
		return dst
	}
	if t.pre == nil {
		return append(dst, p)
	}
	return t.pre.preTokenize(dst, p)
}

func (t *Tokenizer) tokenizePieces(ids []int, pieces []piece) []int {
	for _, p := range pieces {
		ids = t.model.tokenize(ids, p.s)
	}
	return ids
}

// EncodeBatch encodes texts in parallel (up to GOMAXPROCS goroutines).
func (t *Tokenizer) EncodeBatch(texts []string, addSpecial bool) [][]int {
	out := make([][]int, len(texts))
	workers := min(runtime.GOMAXPROCS(0), len(texts))
	if workers <= 1 {
		for i, s := range texts {
			out[i] = t.Encode(s, addSpecial)
		}
		return out
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	nextIdx := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := nextIdx
				nextIdx++
				mu.Unlock()
				if i >= len(texts) {
					return
				}
				out[i] = t.Encode(texts[i], addSpecial)
			}
		}()
	}
	wg.Wait()
	return out
}

// tokens returns the token strings of ids for decoding; unknown ids are
// dropped, special tokens too with skipSpecial.
func (t *Tokenizer) tokens(ids []int, skipSpecial bool) []string {
	toks := make([]string, 0, len(ids))
	for _, id := range ids {
		if at, ok := t.addedByID[id]; ok {
			if skipSpecial && at.special {
				continue
			}
			toks = append(toks, at.text)
			continue
		}
		if id >= 0 && id < len(t.idToTok) {
			if s := t.idToTok[id]; s != "" {
				toks = append(toks, s)
			}
		}
	}
	return toks
}

// Decode returns the text of ids, as the Rust library's decode: unknown ids
// are skipped, special tokens too with skipSpecial, and invalid UTF-8 is
// replaced with U+FFFD.
func (t *Tokenizer) Decode(ids []int, skipSpecial bool) string {
	return t.decode(ids, skipSpecial, false)
}

// DecodeBytes is Decode without the replacement of invalid UTF-8: for
// byte-level and byte-fallback tokenizers DecodeBytes(Encode(s, false)) is
// s byte for byte, for any s.
func (t *Tokenizer) DecodeBytes(ids []int, skipSpecial bool) []byte {
	return []byte(t.decode(ids, skipSpecial, true))
}

func (t *Tokenizer) decode(ids []int, skipSpecial, raw bool) string {
	toks := t.tokens(ids, skipSpecial)
	if t.dec == nil {
		return joinStrings(toks, " ")
	}
	return joinStrings(t.dec.decodeChain(toks, raw), "")
}

func joinStrings(s []string, sep string) string {
	n := 0
	for _, x := range s {
		n += len(x) + len(sep)
	}
	b := make([]byte, 0, n)
	for i, x := range s {
		if i > 0 {
			b = append(b, sep...)
		}
		b = append(b, x...)
	}
	return string(b)
}

// Name returns the file name the tokenizer was loaded from.
func (t *Tokenizer) Name() string { return filepath.Base(t.name) }
