#!/usr/bin/env python3
"""Writes [[text, ids], ...] made by bpe.py for every corpus passage and 3000
random strings, for check_tokenizer.mjs to compare with Hugging Face tokenizers.

Usage: /usr/bin/python3 scripts/tiny_llm/dump_encodings.py OUT.json
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402
import train_tokenizer as tt  # noqa: E402

tok = bpe.Tokenizer.from_file(os.path.join(tt.ROOT, "model", "tiny", "llm", "tokenizer.json"))
pairs = []
for split in ('calib', 'eval'):
    for lang, texts in tt.load_corpus(split).items():
        for t in texts:
            pairs.append([t, tok.encode(t)])
rng = random.Random(1)
alphabet = list("aZ09 \t\n\r'sStTdD.,;!?-_()[]{}<>|/\\\"") + ["<|begin_of_text|>", "<|end_of_text|>", "<|", "|>", "\u00a0", "\u2028", "\u3000", "\u0301", "é", "ß", "ж", "中", "文", "の", "ا", "١", "५", "😀", "\u200d", "\ufe0f", "\x0b", "\x0c", "\x85", "ǅ", "İ", "ﬁ", "Ⅻ", "²", "½"]
for _ in range(3000):
    s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
    pairs.append([s, tok.encode(s)])
with open(sys.argv[1], 'w', encoding='utf-8') as f:
    json.dump(pairs, f, ensure_ascii=False)
print(len(pairs), 'encodings ->', sys.argv[1])
