"""Byte-level BPE with the Llama-3 pre-tokenizer, following Hugging Face
`tokenizers` semantics, in pure Python (needs the `regex` module for \\p{L}).

Shared by train_tokenizer.py (training, golden encodings) and train.py
(encoding the training data). Encoding steps, as tokenizers does them for a
tokenizer.json of this kind:

 1. Added tokens (<|begin_of_text|>, <|end_of_text|>) are cut out of the raw
    text first (leftmost, longest match) and map to their ids.
 2. Each remaining span is split by the Llama-3 regex (Split, Isolated: the
    matches and the gaps between them all become pieces).
 3. ByteLevel (use_regex=false): every piece's UTF-8 bytes are mapped to
    printable characters with GPT-2's bytes_to_unicode table.
 4. BPE with ignore_merges=true: a piece that is itself in the vocabulary is
    one token; otherwise its characters are merged pair by pair, always the
    adjacent pair of lowest merge rank (leftmost among equals) first.
 5. TemplateProcessing: <|begin_of_text|> is prepended when add_special_tokens.
"""

import json

import regex

LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"
                  r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
BOS = "<|begin_of_text|>"
EOS = "<|end_of_text|>"

_SPLIT = regex.compile(LLAMA3_PATTERN)


def bytes_to_unicode():
    """GPT-2's reversible map from the 256 byte values to printable characters."""
    bs = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
          + list(range(ord("®"), ord("ÿ") + 1)))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_TO_CHAR = bytes_to_unicode()
CHAR_TO_BYTE = {c: b for b, c in BYTE_TO_CHAR.items()}


def pretokenize(text):
    """Split (Llama-3 regex, Isolated) then ByteLevel: returns byte-level strings."""
    pieces = []
    pos = 0
    for m in _SPLIT.finditer(text):
        if m.start() > pos:  # Isolated keeps unmatched gaps as pieces too
            pieces.append(text[pos:m.start()])
        if m.end() > m.start():
            pieces.append(m.group())
        pos = m.end()
    if pos < len(text):
        pieces.append(text[pos:])
    return ["".join(BYTE_TO_CHAR[b] for b in p.encode("utf-8")) for p in pieces]


class Tokenizer:
    """Encoder/decoder for a byte-level BPE tokenizer.json written by train_tokenizer.py."""

    def __init__(self, vocab, merges, added):
        self.vocab = vocab  # byte-level string -> id
        self.ranks = {tuple(m): i for i, m in enumerate(merges)}
        self.added = added  # content -> id
        self.id_to_token = {i: t for t, i in vocab.items()}
        self.id_to_token.update({i: t for t, i in added.items()})
        self.bos_id = added[BOS]
        self.eos_id = added[EOS]
        self.cache = {}

    @classmethod
    def from_file(cls, path):
        with open(path, encoding="utf-8") as f:
            tj = json.load(f)
        m = tj["model"]
        return cls(m["vocab"], [tuple(x) for x in m["merges"]],
                   {a["content"]: a["id"] for a in tj["added_tokens"]})

    def bpe(self, piece):
        """Token strings for one byte-level piece (HF BPE, ignore_merges=true)."""
        if piece in self.vocab:
            return [piece]
        hit = self.cache.get(piece)
        if hit is not None:
            return hit
        syms = list(piece)
        while len(syms) > 1:
            best, best_i = None, -1
            for i in range(len(syms) - 1):
                r = self.ranks.get((syms[i], syms[i + 1]))
                if r is not None and (best is None or r < best):
                    best, best_i = r, i
            if best is None:
                break
            syms[best_i:best_i + 2] = [syms[best_i] + syms[best_i + 1]]
        self.cache[piece] = syms
        return syms

    def split_added(self, text):
        """Yields (is_added, span) in order: added tokens, leftmost-longest, and the text between."""
        pos = 0
        contents = sorted(self.added, key=len, reverse=True)
        while pos < len(text):
            best = None
            for c in contents:
                j = text.find(c, pos)
                if j >= 0 and (best is None or j < best[0]):
                    best = (j, c)
            if best is None:
                break
            j, c = best
            if j > pos:
                yield False, text[pos:j]
            yield True, c
            pos = j + len(c)
        if pos < len(text):
            yield False, text[pos:]

    def encode_tokens(self, text):
        toks = []
        for is_added, span in self.split_added(text):
            if is_added:
                toks.append(span)
                continue
            for piece in pretokenize(span):
                toks.extend(self.bpe(piece))
        return toks

    def encode(self, text, add_special_tokens=True):
        ids = [self.bos_id] if add_special_tokens else []
        for t in self.encode_tokens(text):
            ids.append(self.added[t] if t in self.added else self.vocab[t])
        return ids

    def decode(self, ids):
        """ByteLevel decoder; added tokens are kept as their text."""
        out = bytearray()
        for i in ids:
            t = self.id_to_token[i]
            if t in self.added:
                out += t.encode("utf-8")
            else:
                out += bytes(CHAR_TO_BYTE[c] for c in t)
        return out.decode("utf-8", errors="replace")
