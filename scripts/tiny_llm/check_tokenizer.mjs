// Cross-checks tokenizer.json and tokenizer_golden.json against Hugging
// Face's own tokenizers library (its Node binding, the Rust implementation).
// Not needed to build pare; run it after changing the tokenizer:
//
//   cd "$(mktemp -d)" && npm install tokenizers@0.23.2 &&
//   /usr/bin/python3 <repo>/scripts/tiny_llm/dump_encodings.py enc.json &&
//   NODE_PATH="$PWD/node_modules" node <repo>/scripts/tiny_llm/check_tokenizer.mjs <repo>/model/tiny/llm enc.json
//
// It encodes every golden text, and every text of the optional
// [[text, ids], ...] files, with add_special_tokens, compares the ids with
// the expected ones and checks that decoding gives the text back.
import {createRequire} from 'node:module'
import fs from 'node:fs'
import path from 'node:path'

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), 'x.js'))
const {Tokenizer} = require('tokenizers')

const dir = process.argv[2]
const tok = Tokenizer.fromFile(path.join(dir, 'tokenizer.json'))
const golden = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_golden.json'), 'utf8'))
let bad = 0
let n = 0
const check = async (text, want) => {
  const enc = await tok.encode(text, null, {addSpecialTokens: true})
  const got = Array.from(enc.getIds())
  n++
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    bad++
    if (bad < 10) console.log('MISMATCH', JSON.stringify(text).slice(0, 200), '\n  hf  ', JSON.stringify(got).slice(0, 300), '\n  pare', JSON.stringify(want).slice(0, 300))
  }
  const dec = await tok.decode(got.slice(1), false)
  if (dec !== text) {
    bad++
    console.log('DECODE MISMATCH', JSON.stringify(text).slice(0, 200), JSON.stringify(dec).slice(0, 200))
  }
}
for (const c of golden.cases) await check(c.text, c.ids)
for (const f of process.argv.slice(3)) {
  const pairs = JSON.parse(fs.readFileSync(f, 'utf8')) // [[text, ids], ...]
  for (const [text, ids] of pairs) await check(text, ids)
}
console.log(`${n} texts checked, ${bad} mismatches`)
process.exit(bad ? 1 : 0)
