#!/usr/bin/env python3
"""Train pare's tiny byte-level BPE tokenizer and write it as a Hugging Face
tokenizer.json, plus golden encodings for the Go tokenizer tests.

Training text: the calibration split (preamble and articles 1..20) of every
language in model/corpus/data. Languages are balanced: the pre-token counts
of each language are multiplied by an integer weight inversely proportional
to that language's byte count, so every language weighs about the same and
non-Latin scripts get merges too.

Pipeline of the written tokenizer (the Llama-3 layout):
  pre_tokenizer: Sequence[Split(Llama-3 regex, Isolated), ByteLevel(use_regex=false)]
  model: BPE (byte-level, ignore_merges=true, byte_fallback=false), merges as pairs
  added_tokens: <|begin_of_text|> (bos), <|end_of_text|> (eos), the last two ids
  post_processor: TemplateProcessing that prepends <|begin_of_text|>
  decoder: ByteLevel

Training is exact and deterministic: at each step the pair with the highest
weighted count is merged, ties broken by the smallest (first, second) token
ids. Vocabulary: 256 byte tokens (id = byte value), then one token per merge,
until the model vocabulary has VOCAB_SIZE - 2 entries.

Usage: /usr/bin/python3 scripts/tiny_llm/train_tokenizer.py [--out DIR]
"""

import argparse
import collections
import hashlib
import heapq
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402

VERSION = "pare-tiny-bpe-1"
VOCAB_SIZE = 4096  # including the two added tokens
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CORPUS = os.path.join(ROOT, "model", "corpus", "data")


def load_corpus(split):
    """lang -> list of passage texts of the split, from model/corpus/data/<lang>.jsonl."""
    out = {}
    for name in sorted(os.listdir(CORPUS)):
        if not name.endswith(".jsonl"):
            continue
        lang = name[:-len(".jsonl")]
        with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
            recs = [json.loads(line) for line in f if line.strip()]
        out[lang] = [r["text"] for r in recs if r["split"] == split]
    return out


def train(corpus, vocab_size):
    n_model_tokens = vocab_size - 2
    # Weighted pre-token counts.
    lang_bytes = {l: sum(len(t.encode("utf-8")) for t in ts) for l, ts in corpus.items()}
    top = max(lang_bytes.values())
    weights = {l: round(100 * top / b) for l, b in lang_bytes.items()}
    counts = collections.Counter()
    for lang, texts in sorted(corpus.items()):
        c = collections.Counter()
        for t in texts:
            c.update(bpe.pretokenize(t))
        for piece, n in c.items():
            counts[piece] += n * weights[lang]

    id_to_tok = [bpe.BYTE_TO_CHAR[b] for b in range(256)]
    tok_to_id = {t: i for i, t in enumerate(id_to_tok)}
    words = []  # [symbol ids], weight
    for piece in sorted(counts):
        words.append([[tok_to_id[c] for c in piece], counts[piece]])

    pair_count = collections.defaultdict(int)
    pair_words = collections.defaultdict(set)
    for wi, (syms, n) in enumerate(words):
        for a, b in zip(syms, syms[1:]):
            pair_count[(a, b)] += n
            pair_words[(a, b)].add(wi)
    heap = [(-n, p) for p, n in pair_count.items()]
    heapq.heapify(heap)

    merges = []
    while len(id_to_tok) < n_model_tokens and heap:
        negn, pair = heapq.heappop(heap)
        if pair_count.get(pair, 0) != -negn or negn == 0:
            continue  # stale heap entry
        a, b = pair
        new_tok = id_to_tok[a] + id_to_tok[b]
        new_id = tok_to_id.get(new_tok)
        if new_id is None:  # as tokenizers' trainer: a merge may re-make an existing token
            new_id = len(id_to_tok)
            id_to_tok.append(new_tok)
            tok_to_id[new_tok] = new_id
        merges.append((id_to_tok[a], id_to_tok[b]))
        changed = set()
        for wi in sorted(pair_words.pop(pair, ())):
            syms, n = words[wi]
            if not any(syms[i] == a and syms[i + 1] == b for i in range(len(syms) - 1)):
                continue
            for p in zip(syms, syms[1:]):
                pair_count[p] -= n
                changed.add(p)
            out, i = [], 0
            while i < len(syms):
                if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                    out.append(new_id)
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            words[wi][0] = out
            for p in zip(out, out[1:]):
                pair_count[p] += n
                pair_words[p].add(wi)
                changed.add(p)
        pair_count.pop(pair, None)
        for p in changed:
            n = pair_count.get(p, 0)
            if n > 0:
                heapq.heappush(heap, (-n, p))
            else:
                pair_count.pop(p, None)
    return id_to_tok, merges, weights


def tokenizer_json(id_to_tok, merges):
    n = len(id_to_tok)
    added = [
        {"id": n, "content": bpe.BOS, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True},
        {"id": n + 1, "content": bpe.EOS, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True},
    ]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": bpe.LLAMA3_PATTERN},
                 "behavior": "Isolated", "invert": False},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                 "use_regex": False},
            ],
        },
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": bpe.BOS, "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": bpe.BOS, "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": bpe.BOS, "type_id": 1}},
                {"Sequence": {"id": "B", "type_id": 1}},
            ],
            "special_tokens": {
                bpe.BOS: {"id": bpe.BOS, "ids": [n], "tokens": [bpe.BOS]},
            },
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                    "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": True,
            "vocab": {t: i for i, t in enumerate(id_to_tok)},
            "merges": [list(m) for m in merges],
        },
    }


# Strings for the golden encodings: every corpus language, digits, white
# space runs, newlines, emoji, combining marks, added tokens.
GOLDEN_TEXTS = [
    "",
    "Hello, world!",
    "It's what they'll DO, isn't it? I'M sure we'd've known.",
    "Jeder hat das Recht auf Bildung. Größe, Übermaß, Straße.",
    "L'éducation doit viser au plein épanouissement de la personnalité humaine.",
    "¿Dónde está? ¡Aquí! Niño, año, pingüino.",
    "Все люди рождаются свободными и равными в своем достоинстве и правах.",
    "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق.",
    "सभी मनुष्यों को गौरव और अधिकारों के मामले में जन्मजात स्वतन्त्रता प्राप्त है।",
    "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。",
    "人人生而自由，在尊严和权利上一律平等。",
    "Watu wote wamezaliwa huru, hadhi na haki zao ni sawa.",
    "모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다.",
    "มนุษย์ทั้งหลายเกิดมามีอิสระและเสมอภาคกัน Όλοι οι άνθρωποι γεννιούνται ελεύθεροι. כל בני האדם נולדו בני חורין",
    "Tất cả mọi người sinh ra đều được tự do và bình đẳng; Herkes hür doğar. Każdy człowiek.",
    "In 1948, 217 A (III) passed 48-0; pi=3.14159265, 1234567, ٣٤٥ and १२३.",
    "a  b   c\t\td \u00a0e    ",
    "line one\nline two\r\n\n\n  indented\n\t\ttabbed\n   \n",
    "I \u2764\ufe0f pare \U0001F680\U0001F525 \U0001F44D\U0001F3FD \U0001F468\u200d\U0001F469\u200d\U0001F467!",
    "e\u0301 cafe\u0301 Z\u0351\u034c\u0300 x_1 = f(a,b) // 'quoted' \"double\" ... ---> === {}[]",
    "<|begin_of_text|>Hello<|end_of_text|>",
    "a<|end_of_text|> <|begin_of_text|>b <|begin_of_text <|end_of_text|><|end_of_text|>",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "model", "tiny", "llm"))
    ap.add_argument("--vocab-size", type=int, default=VOCAB_SIZE)
    args = ap.parse_args()

    corpus = load_corpus("calib")
    id_to_tok, merges, weights = train(corpus, args.vocab_size)
    tj = tokenizer_json(id_to_tok, merges)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "tokenizer.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(tj, f, ensure_ascii=False, indent=2)
        f.write("\n")
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()

    # For transformers' AutoTokenizer (PreTrainedTokenizerFast reads tokenizer.json).
    with open(os.path.join(args.out, "tokenizer_config.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": bpe.BOS,
                   "eos_token": bpe.EOS, "add_bos_token": True, "clean_up_tokenization_spaces": False,
                   "model_max_length": 128}, f, indent=2)
        f.write("\n")

    tok = bpe.Tokenizer.from_file(path)
    cases = []
    for text in GOLDEN_TEXTS:
        ids = tok.encode(text)
        cases.append({"text": text, "ids": ids, "tokens": [tok.id_to_token[i] for i in ids]})
        if tok.decode(ids[1:]) != text:
            sys.exit(f"round trip failed for {text!r}")
    golden = {
        "comment": "Encodings by scripts/tiny_llm/bpe.py of tokenizer.json with add_special_tokens=true "
                   "(ids[0] is <|begin_of_text|>); decode(ids[1:]) == text.",
        "tokenizer_sha256": digest,
        "version": VERSION,
        "cases": cases,
    }
    with open(os.path.join(args.out, "tokenizer_golden.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(golden, f, ensure_ascii=False, indent=1)
        f.write("\n")

    # Report: characters per token per language on both splits.
    evalc = load_corpus("eval")
    print(f"vocab {len(id_to_tok)} + 2 added, {len(merges)} merges, sha256 {digest[:16]}")
    for lang in sorted(corpus):
        for name, c in (("calib", corpus), ("eval", evalc)):
            text = "\n".join(c[lang])
            n = len(tok.encode(text, add_special_tokens=False))
            print(f"  {lang} {name:5s} weight {weights[lang]:4d} tokens {n:5d} chars/token {len(text) / n:.2f}")


if __name__ == "__main__":
    main()
