// pare's Web Worker: runs pare.wasm (pare's Go code for GOOS=js GOARCH=wasm,
// see wasm/cmd/parewasm) so that the page stays responsive, fetches the
// models from the server and relays jobs.
//
// Page -> worker:  {type: 'run', id, op, args}   {type: 'cancel', id}
// Worker -> page:  {type: 'loading', what, loaded, total}
//                  {type: 'ready', kind, info, random}   (once per model)
//                  {type: 'progress', id, p}   {type: 'text', id, text}
//                  {type: 'result', id, result}   {type: 'error', id, message, cancelled}
//                  {type: 'fatal', message}
'use strict';

importScripts('wasm_exec.js');

const post = (m) => self.postMessage(m);

// fetchBytes reads a URL into a Uint8Array, reporting the bytes so far.
async function fetchBytes(url, what, size) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
  const total = size || Number(res.headers.get('Content-Length')) || 0;
  if (!res.body || !total) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const out = new Uint8Array(total);
  let loaded = 0;
  let last = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > out.length) throw new Error(`${url}: more bytes than announced`);
    out.set(value, loaded);
    loaded += value.length;
    if (loaded - last > 1 << 20 || loaded === total) {
      post({ type: 'loading', what, loaded, total });
      last = loaded;
    }
  }
  return loaded === total ? out : out.subarray(0, loaded);
}

async function loadModel(kind, entry) {
  const files = {};
  const names = Object.keys(entry.files).sort();
  for (const name of names) {
    files[name] = await fetchBytes(`models/${entry.name}/${name}`, `${entry.name}/${name}`, entry.files[name]);
  }
  post({ type: 'loading', what: `${entry.name}: reading the weights`, loaded: 0, total: 0 });
  const out = self.pare.load(kind, entry.name, files);
  if (typeof out !== 'string') throw new Error(out.error);
  post({ type: 'ready', kind, info: JSON.parse(out), random: entry.random });
}

async function start() {
  const go = new Go();
  post({ type: 'loading', what: 'pare.wasm', loaded: 0, total: 0 });
  const [{ instance }, index] = await Promise.all([
    WebAssembly.instantiateStreaming(fetch('pare.wasm'), go.importObject),
    fetch('models/index.json').then((r) => r.json()),
  ]);
  go.run(instance).then(() => post({ type: 'fatal', message: 'pare.wasm exited' }));
  // main() has set globalThis.pare before it first blocked.
  if (!self.pare) throw new Error('pare.wasm did not start');
  return index;
}

const fatal = (err) => {
  post({ type: 'fatal', message: String(err && err.message || err) });
  throw err;
};
const started = start();
// The DiT loads first, so that the diffusion tab is ready soonest.
const ditReady = started.then((index) => loadModel('dit', index.dit)).catch(fatal);
const llmReady = ditReady.then(() => started).then((index) => loadModel('llm', index.llm)).catch(fatal);
const needs = { sample: ditReady, profile: ditReady, search: ditReady, prune: llmReady, perplexity: llmReady, generate: llmReady };

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type === 'cancel') {
    if (self.pare) self.pare.cancel(m.id);
    return;
  }
  if (m.type !== 'run') return;
  try {
    await (needs[m.op] || started);
    const onEvent = (kind, json) => {
      if (kind === 'progress') post({ type: 'progress', id: m.id, p: JSON.parse(json) });
      else if (kind === 'text') post({ type: 'text', id: m.id, text: JSON.parse(json) });
    };
    const res = await self.pare.run(m.id, m.op, JSON.stringify(m.args || {}), onEvent);
    post({ type: 'result', id: m.id, result: JSON.parse(res) });
  } catch (err) {
    post({ type: 'error', id: m.id, message: String(err && err.message || err), cancelled: !!(err && err.name === 'AbortError') });
  }
};
