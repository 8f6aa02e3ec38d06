// gen.js builds the small tokenizer.json files used by the Go tests and
// records how Hugging Face `tokenizers` (its Node binding, npm package
// `tokenizers`, which wraps the Rust library) encodes and decodes a set of
// tricky and random strings with them.
//
//   (cd "$DIR" && npm install tokenizers@0.23.2)   # any scratch directory
//   NODE_PATH="$DIR/node_modules" node gen.js
//
// It writes, next to itself:
//   <name>.tokenizer.json  one tokenizer per style (Llama 3, Qwen2, Llama 2,
//                          Mistral, Gemma, GPT-2, variants with added-token flags,
//                          unknown tokens, and subword prefix/suffix)
//   <name>.golden.json     {"encode":[{text, ids, ids_plain, dec, dec_skip}], "decode":[{ids, dec, dec_skip}]}
//   pretok.golden.json     splits of the known Split patterns and other pre-tokenizers
//   nfc.golden.json        NFC normalizer outputs
//
// The BPE vocabularies are trained here with a plain greedy BPE trainer
// (most frequent pair first) on the small multilingual corpus below, after
// pre-tokenizing it with HF's own pre-tokenizers, so the merges look like
// real ones. Everything is deterministic (fixed seeds).
'use strict';
const fs = require('fs');
const path = require('path');
const { Tokenizer, nfcNormalizer } = require('tokenizers');

const OUT = __dirname;

const L3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QW = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const G2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

const CORPUS = `The quick brown fox jumps over the lazy dog. It's 2024 and we're testing tokenizers; they'll handle it, won't they?
I've seen 1234567 numbers, 3.14159 and 42 in 10,000 places. Don't panic! She said "hello" -- then left...
def main():\n    for i in range(10):\n        print(f"value {i}")\n\treturn None
Der schnelle braune Fuchs springt über den faulen Hund. Größe, Straße, Äpfel und Öl.
Le renard brun rapide saute par-dessus le chien paresseux. C'est l'été, où êtes-vous?
El rápido zorro marrón salta sobre el perro perezoso. ¿Dónde está la biblioteca? ¡Olé!
Быстрая коричневая лиса прыгает через ленивую собаку. Привет, как дела?
敏捷的棕色狐狸跳过了懒狗。我们正在测试分词器，你好世界！中文文本处理。
日本語のテキストです。東京は大きな都市です。ひらがなとカタカナ。
빠른 갈색 여우가 게으른 개를 뛰어넘습니다. 안녕하세요 세계.
الثعلب البني السريع يقفز فوق الكلب الكسول. مرحبا بالعالم.
तेज़ भूरी लोमड़ी आलसी कुत्ते के ऊपर कूदती है। नमस्ते दुनिया।
Con cáo nâu nhanh nhẹn nhảy qua con chó lười. Xin chào thế giới.
Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο.
Hızlı kahverengi tilki tembel köpeğin üzerinden atlar. İstanbul'da yaşıyorum.
Emojis: 😀 👍🏽 👨‍👩‍👧 🇩🇪 ❤️ and symbols © ® ™ € £ ¥ → ∑ ∞.
   multiple   spaces	tabs\tand\r\nwindows lines\n\n\nblank lines    end   
THE QUICK BROWN FOX. the quick brown fox. The Quick Brown Fox. HELLO World hello WORLD.
`;

// ---------------------------------------------------------------- helpers

function rng(seed) {
  let s = BigInt(seed) || 1n;
  return () => {
    s ^= (s << 13n) & 0xffffffffffffffffn;
    s ^= s >> 7n;
    s ^= (s << 17n) & 0xffffffffffffffffn;
    return Number(s % 1000000007n) / 1000000007;
  };
}

function bytesToUnicode() {
  const bs = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) { bs.push(b); cs.push(256 + n); n++; }
  return bs.map((b, i) => [b, String.fromCodePoint(cs[i])]);
}
const BYTE_CHARS = bytesToUnicode(); // in GPT-2 vocabulary order

// trainBPE runs greedy BPE on words (arrays of symbols) with counts.
function trainBPE(wordCounts, nMerges, vocab, mergeForm) {
  const words = [...wordCounts.entries()].map(([w, c]) => ({ syms: w, count: c }));
  const merges = [];
  for (let m = 0; m < nMerges; m++) {
    const pairs = new Map();
    for (const w of words) {
      for (let i = 0; i + 1 < w.syms.length; i++) {
        const k = w.syms[i] + '\u0000' + w.syms[i + 1];
        pairs.set(k, (pairs.get(k) || 0) + w.count);
      }
    }
    let best = null, bestC = 0;
    for (const [k, c] of pairs) {
      if (c > bestC || (c === bestC && best !== null && k < best)) { best = k; bestC = c; }
    }
    if (best === null) break;
    const [a, b] = best.split('\u0000');
    const ab = a + b;
    merges.push(mergeForm === 'pair' ? [a, b] : a + ' ' + b);
    if (!(ab in vocab)) vocab[ab] = Object.keys(vocab).length;
    for (const w of words) {
      const out = [];
      for (let i = 0; i < w.syms.length; i++) {
        if (i + 1 < w.syms.length && w.syms[i] === a && w.syms[i + 1] === b) { out.push(ab); i++; } else out.push(w.syms[i]);
      }
      w.syms = out;
    }
  }
  return merges;
}

function countWords(pieces) {
  const m = new Map();
  for (const p of pieces) {
    const k = p;
    m.set(k, (m.get(k) || 0) + 1);
  }
  const out = new Map();
  for (const [k, c] of m) out.set([...k], c);
  return out;
}

function probe(preTokenizer, normalizer) {
  const vocab = {};
  BYTE_CHARS.forEach(([, ch], i) => { vocab[ch] = i; });
  const j = {
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: normalizer || null,
    pre_tokenizer: preTokenizer, post_processor: null, decoder: null,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges: [] },
  };
  return Tokenizer.fromString(JSON.stringify(j));
}

function special(id, content, extra) {
  return Object.assign({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }, extra || {});
}

// ---------------------------------------------------------------- test strings

const TRICKY = [
  '', ' ', '  ', '\n', '\r\n', '\t', 'a', 'Hello world', ' Hello world', 'Hello  world', 'Hello world ',
  "it's", "It'S", "they'll", "WE'RE", "I'VE", "you'd", "I'm", "x'sy", "x'ſy", "don't", "'s", "''s", "rock'n'roll", "'", "' s",
  '1', '12', '123', '1234', '12345678901', 'a1b22c333d4444', '3.14159', '1,000,000', '٣٤٥٦', '１２３４', 'Ⅻ', '²³',
  '你好世界', '你好，世界！', '日本語のテキスト', '안녕하세요', 'مرحبا بالعالم', 'नमस्ते', 'Xin chào', 'Größe', 'İstanbul',
  '😀', '👍🏽', '👨‍👩‍👧', '🇩🇪🇫🇷', '❤️', 'a😀b', '😀😀😀',
  'a  b', 'a   b', 'a \n b', 'a\n\nb', 'a \n\n b', 'a\r\n\r\nb', '  \n  ', 'x\t\ty', 'x \t y', ' \t\n \r\n', 'end   ', '   start',
  'a\u00a0b', 'a\u3000b', 'a\u2028b', 'a\u0085b', 'a \u00a0 b',
  'hello!!! ??? ...', '(a)[b]{c}', '$100 & 50%', 'foo.bar_baz-qux', 'e-mail@example.com', 'C++ && C#', '...\n\n', '!!\r\n\r\n',
  'e\u0301', 'cafe\u0301', '\u1100\u1161\u11a8', 'A\u030a', '\u0041\u0308\u0301', 'o\u0323\u0302', '\u212b', 'ệ',
  'def f(x):\n    return x * 2\n', '\tindented\n\t\tmore',
  '<s>', '</s>', '<s>hello</s>', 'a<s>b', '<|begin_of_text|>Hi', 'x<|eot_id|>y', '<|im_start|>user\nhi<|im_end|>\n',
  '<|endoftext|><|endoftext|>', ' <mask> ', 'a <mask>b', 'the [TOOL]  x', 'hello Foo Bar world', 'xFoo Bary', 'Foo Bar',
  '<|begin_of_text|', '<|eot', '<unk>', '<0x41>', 'unknown ✓ chars ⅏ here',
];

function randomStrings(seed, n) {
  const r = rng(seed);
  const pools = [
    ['abcdefghijklmnopqrstuvwxyz', 10], ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', 3], ['0123456789', 4], [' ', 8],
    ['  \t\n\r', 3], [".,;:!?'\"-()[]{}<>/\\@#$%^&*_+=|~`", 4], ["'", 2], ['sStTdDmMlLrReEvV', 2],
    ['äöüßéèêàçñøåÄÖÜÉ', 2], ['你好世界中文分词器测试日本語東京', 2], ['ひらがなカタカナ', 1], ['안녕하세요세계', 1],
    ['مرحبابالعالم', 1], ['नमस्तेदुनिया', 1], ['Привет мир', 1], ['😀👍🏽❤️🇩🇪👨‍👩‍👧', 1],
    ['\u0301\u0308\u0323\u0302\u030a', 1], ['\u00a0\u3000\u2028\u0085\u2009', 1], ['٣٤١２３Ⅻ²', 1], ['ſK\u212b', 1],
  ];
  const specials = ['<s>', '</s>', '<|begin_of_text|>', '<|eot_id|>', '<|im_start|>', '<|im_end|>', '<|endoftext|>', '<mask>', '[TOOL]', 'Foo Bar', '<unk>'];
  const total = pools.reduce((a, p) => a + p[1], 0);
  const out = [];
  for (let k = 0; k < n; k++) {
    const len = Math.floor(r() * 30);
    let s = '';
    for (let i = 0; i < len; i++) {
      if (r() < 0.02) { s += specials[Math.floor(r() * specials.length)]; continue; }
      let x = r() * total, p = pools[0];
      for (const q of pools) { if (x < q[1]) { p = q; break; } x -= q[1]; }
      const chars = [...p[0]];
      const run = 1 + Math.floor(r() * 4);
      for (let j = 0; j < run; j++) s += chars[Math.floor(r() * chars.length)];
    }
    out.push(s);
  }
  return out;
}

const STRINGS = TRICKY.concat(CORPUS.split('\n'), [CORPUS], randomStrings(12345, 300));

// ---------------------------------------------------------------- tokenizer styles

function byteLevelVocab() {
  const vocab = {};
  BYTE_CHARS.forEach(([, ch], i) => { vocab[ch] = i; });
  return vocab;
}

function buildByteLevel(splitRegex, nMerges, mergeForm, normalizer) {
  const pre = splitRegex
    ? { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: splitRegex }, behavior: 'Isolated', invert: false }, { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] }
    : { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const t = probe(pre, normalizer);
  const pieces = [];
  for (const line of CORPUS.split('\n')) for (const [p] of t.getPreTokenizer().preTokenizeString(line + '\n')) pieces.push(p);
  const vocab = byteLevelVocab();
  const merges = trainBPE(countWords(pieces), nMerges, vocab, mergeForm);
  return { pre, vocab, merges };
}

function llama3(name, extraAdded) {
  const { pre, vocab, merges } = buildByteLevel(L3, 700, 'pair');
  // Tokens reachable only through ignore_merges (whole pre-token in vocab).
  for (const w of ['Ġtokenizers', 'Ġzzz', '123', 'ĠHello', 'Hello', 'Ġ!!!']) if (!(w in vocab)) vocab[w] = Object.keys(vocab).length;
  const n = Object.keys(vocab).length;
  const added = [
    special(n, '<|begin_of_text|>'), special(n + 1, '<|end_of_text|>'), special(n + 2, '<|reserved_special_token_0|>'),
    special(n + 3, '<|start_header_id|>'), special(n + 4, '<|end_header_id|>'), special(n + 5, '<|eot_id|>'),
  ].concat(extraAdded ? extraAdded(n + 6) : []);
  const bos = '<|begin_of_text|>';
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: added, normalizer: null, pre_tokenizer: pre,
    post_processor: { type: 'Sequence', processors: [
      { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
      { type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { [bos]: { id: bos, ids: [n], tokens: [bos] } } },
    ] },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: true, vocab, merges },
  };
}

function qwen2() {
  const { pre, vocab, merges } = buildByteLevel(QW, 700, 'string', { type: 'NFC' });
  pre.pretokenizers[1].trim_offsets = false;
  const n = Object.keys(vocab).length;
  const added = [
    special(n, '<|endoftext|>'), special(n + 1, '<|im_start|>'), special(n + 2, '<|im_end|>'),
    special(n + 3, '<tool_call>', { special: false }), special(n + 4, '</tool_call>', { special: false }),
  ];
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: added, normalizer: { type: 'NFC' }, pre_tokenizer: pre,
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  };
}

function gpt2(addPrefixSpace) {
  const { pre, vocab, merges } = buildByteLevel(null, 500, 'string');
  pre.add_prefix_space = addPrefixSpace;
  const n = Object.keys(vocab).length;
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: [special(n, '<|endoftext|>')], normalizer: null, pre_tokenizer: pre,
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}

// spVocab trains a SentencePiece-style BPE: "▁" marks spaces, characters
// seen at least twice are in the vocabulary, the rest go through byte fallback.
function spVocab(specialNames, prepend) {
  const vocab = {};
  for (const s of specialNames) vocab[s] = Object.keys(vocab).length;
  for (let b = 0; b < 256; b++) vocab['<0x' + b.toString(16).toUpperCase().padStart(2, '0') + '>'] = Object.keys(vocab).length;
  const chars = new Map();
  const words = [];
  for (const line of CORPUS.split('\n')) {
    const norm = (prepend ? '▁' : '') + line.replace(/ /g, '▁');
    for (const c of norm) chars.set(c, (chars.get(c) || 0) + 1);
    // words split before each ▁ (MergedWithNext)
    const parts = norm.split(/(?=▁)/u);
    for (const p of parts) if (p) words.push(p);
  }
  const sorted = [...chars.entries()].filter(([, c]) => c >= 2).map(([ch]) => ch).sort();
  for (const ch of sorted) if (!(ch in vocab)) vocab[ch] = Object.keys(vocab).length;
  const wc = new Map();
  for (const w of words) wc.set(w, (wc.get(w) || 0) + 1);
  const counts = new Map();
  for (const [w, c] of wc) {
    const syms = [...w];
    if (syms.every((s) => s in vocab)) counts.set(syms, c);
  }
  const merges = trainBPE(counts, 600, vocab, 'string');
  return { vocab, merges };
}

function spDecoderSeq(strip) {
  const d = [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }];
  if (strip) d.push({ type: 'Strip', content: ' ', start: 1, stop: 0 });
  return { type: 'Sequence', decoders: d };
}

function template(bos, id) {
  return { type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { [bos]: { id: bos, ids: [id], tokens: [bos] } } };
}

function llama2(extraAdded) {
  const { vocab, merges } = spVocab(['<unk>', '<s>', '</s>'], true);
  const n = Object.keys(vocab).length;
  const added = [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')].concat(extraAdded ? extraAdded(n) : []);
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: added,
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
    pre_tokenizer: null, post_processor: template('<s>', 1), decoder: spDecoderSeq(true),
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, vocab, merges },
  };
}

function mistral() {
  const { vocab, merges } = spVocab(['<unk>', '<s>', '</s>'], true);
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
    normalizer: null,
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false },
    post_processor: template('<s>', 1),
    decoder: { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false }] },
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab, merges: merges.map((m) => m.split(' ')) },
  };
}

function metaspaceSplit() {
  const t = mistral();
  t.pre_tokenizer = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
  t.decoder = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
  return t;
}

function gemma() {
  const { vocab, merges } = spVocab(['<pad>', '<eos>', '<bos>', '<unk>'], false);
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [special(0, '<pad>'), special(1, '<eos>'), special(2, '<bos>'), special(3, '<unk>')],
    normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
    pre_tokenizer: null, post_processor: template('<bos>', 2), decoder: spDecoderSeq(false),
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, vocab, merges },
  };
}

// unkModel: SentencePiece-style without byte fallback, so unknown
// characters become <unk> (fused or not).
function unkModel(fuse) {
  const t = llama2();
  t.model.byte_fallback = false;
  t.model.fuse_unk = fuse;
  return t;
}

// affix: a byte-level BPE with a continuing-subword prefix and an
// end-of-word suffix (the original BPE / CLIP style).
function affix() {
  const pre = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const t = probe(pre);
  const pieces = [];
  for (const line of CORPUS.split('\n')) for (const [p] of t.getPreTokenizer().preTokenizeString(line + '\n')) pieces.push(p);
  const vocab = {};
  let n = 0;
  for (const [, ch] of BYTE_CHARS) { vocab[ch] = n++; vocab['##' + ch] = n++; vocab[ch + '</w>'] = n++; vocab['##' + ch + '</w>'] = n++; }
  const counts = new Map();
  for (const [w, c] of countWords(pieces)) {
    const syms = w.map((ch, i) => (i > 0 ? '##' : '') + ch + (i === w.length - 1 ? '</w>' : ''));
    counts.set(syms, c);
  }
  // Merges join "x" + "##y" into "xy" (the prefix of the right part dropped).
  const words = [...counts.entries()].map(([syms, c]) => ({ syms, count: c }));
  const merges = [];
  for (let m = 0; m < 400; m++) {
    const pairs = new Map();
    for (const w of words) for (let i = 0; i + 1 < w.syms.length; i++) {
      const k = w.syms[i] + '\u0000' + w.syms[i + 1];
      pairs.set(k, (pairs.get(k) || 0) + w.count);
    }
    let best = null, bestC = 0;
    for (const [k, c] of pairs) if (c > bestC || (c === bestC && best !== null && k < best)) { best = k; bestC = c; }
    if (best === null) break;
    const [a, b] = best.split('\u0000');
    const ab = a + b.slice(2);
    merges.push([a, b]);
    if (!(ab in vocab)) vocab[ab] = Object.keys(vocab).length;
    for (const w of words) {
      const out = [];
      for (let i = 0; i < w.syms.length; i++) {
        if (i + 1 < w.syms.length && w.syms[i] === a && w.syms[i + 1] === b) { out.push(ab); i++; } else out.push(w.syms[i]);
      }
      w.syms = out;
    }
  }
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: [special(Object.keys(vocab).length, '<|endoftext|>')],
    normalizer: null, pre_tokenizer: pre, post_processor: null, decoder: null,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '##', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}

const flagTokens = (n) => [
  special(n, '<mask>', { lstrip: true }),
  special(n + 1, '[TOOL]', { rstrip: true, special: false }),
  special(n + 2, 'Foo Bar', { single_word: true, normalized: true, special: false }),
  special(n + 3, 'hello', { normalized: true, special: false }),
];

// ---------------------------------------------------------------- recording

async function record(name, json) {
  const text = JSON.stringify(json);
  fs.writeFileSync(path.join(OUT, name + '.tokenizer.json'), text);
  const t = Tokenizer.fromString(text);
  const enc = [];
  for (const s of STRINGS) {
    const e1 = await t.encode(s, null, { addSpecialTokens: true });
    const e2 = await t.encode(s, null, { addSpecialTokens: false });
    const ids = e1.getIds();
    enc.push({ text: s, ids, ids_plain: e2.getIds(), dec: await t.decode(ids, false), dec_skip: await t.decode(ids, true) });
  }
  // Random id sequences: decoding of arbitrary (often invalid UTF-8) byte runs.
  const r = rng(777);
  const size = t.getVocabSize(true);
  const dec = [];
  for (let k = 0; k < 200; k++) {
    const n = Math.floor(r() * 12);
    const ids = [];
    for (let i = 0; i < n; i++) ids.push(r() < 0.1 ? size - 1 - Math.floor(r() * 6) : Math.floor(r() * size));
    const valid = ids.filter((id) => t.idToToken(id) !== null);
    dec.push({ ids: valid, dec: await t.decode(valid, false), dec_skip: await t.decode(valid, true) });
  }
  fs.writeFileSync(path.join(OUT, name + '.golden.json'), JSON.stringify({ encode: enc, decode: dec }));
}

function recordPretok() {
  const configs = {
    llama3: { type: 'Split', pattern: { Regex: L3 }, behavior: 'Isolated', invert: false },
    qwen2: { type: 'Split', pattern: { Regex: QW }, behavior: 'Isolated', invert: false },
    gpt2: { type: 'Split', pattern: { Regex: G2 }, behavior: 'Isolated', invert: false },
    removed: { type: 'Split', pattern: { String: 'ab' }, behavior: 'Removed', invert: false },
    prev: { type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithPrevious', invert: false },
    next: { type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithNext', invert: false },
    contig: { type: 'Split', pattern: { String: 'a' }, behavior: 'Contiguous', invert: false },
    invert: { type: 'Split', pattern: { String: 'a' }, behavior: 'Removed', invert: true },
    digits: { type: 'Digits', individual_digits: false },
    digits1: { type: 'Digits', individual_digits: true },
    bytelevel: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    meta: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  };
  const strs = TRICKY.concat(CORPUS.split('\n'), randomStrings(999, 800));
  const out = { strings: strs, splits: {} };
  for (const [k, cfg] of Object.entries(configs)) {
    const t = probe(cfg);
    out.splits[k] = strs.map((s) => t.getPreTokenizer().preTokenizeString(s).map(([p]) => p));
  }
  fs.writeFileSync(path.join(OUT, 'pretok.golden.json'), JSON.stringify(out));
}

function recordNFC() {
  const n = nfcNormalizer();
  const r = rng(4242);
  const pool = [...'aeiouAEOUnszcgkhlyCNSZ\u0300\u0301\u0302\u0303\u0308\u030a\u030c\u0323\u0327\u0328\u031b\u0345\u05b0\u05bc\u093c\u0915\u0927\u09c7\u09be\u0b47\u0b3e\u0bc6\u0bbe\u0cc6\u0cc2\u0cd5\u1100\u1161\u11a8\u1112\u1175\u11b8\uac00\u212b\u2126\u00c5\u1e9b\u0f73\u0344\u0958\u3099\u304b\u30cf\u309a\u0e4d\u0e32\u0f71\u0f72\u0f80\u1fbf\u1fbe\u03b1\u0313\u0342\u0399\u1f00\u00e9\u00c7'];
  const strs = [...TRICKY];
  for (let k = 0; k < 3000; k++) {
    const len = 1 + Math.floor(r() * 8);
    let s = '';
    for (let i = 0; i < len; i++) s += pool[Math.floor(r() * pool.length)];
    strs.push(s);
  }
  fs.writeFileSync(path.join(OUT, 'nfc.golden.json'), JSON.stringify(strs.map((s) => [s, n.normalizeString(s)])));
}

(async () => {
  recordPretok();
  recordNFC();
  await record('llama3', llama3('llama3'));
  await record('llama3flags', llama3('llama3flags', flagTokens));
  await record('qwen2', qwen2());
  await record('gpt2', gpt2(false));
  await record('gpt2prefix', gpt2(true));
  await record('llama2', llama2());
  await record('llama2flags', llama2(flagTokens));
  await record('mistral', mistral());
  await record('metaspace', metaspaceSplit());
  await record('gemma', gemma());
  await record('unk', unkModel(false));
  await record('unkfuse', unkModel(true));
  await record('affix', affix());
})().catch((e) => { console.error(e); process.exit(1); });
