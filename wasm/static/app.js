// pare's page: the diffusion and pruning tabs. All work runs in worker.js;
// this file only draws. No frameworks, nothing from elsewhere.
'use strict';

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'style') e.style.cssText = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
};

// Precisions, highest first, with the colours of pare's plots and the
// relative bar height the schedule editor gives each.
const PRECISIONS = ['f32', 'bf16', 'f16', 'int8', 'int4'];
const COLORS = { f32: 'var(--f32)', bf16: 'var(--bf16)', f16: 'var(--f16)', int8: 'var(--int8)', int4: 'var(--int4)' };
const HEIGHT = { f32: 1, bf16: 0.62, f16: 0.62, int8: 0.4, int4: 0.26 };
const LANG_NAMES = {
  ar: 'Arabic', bn: 'Bengali', de: 'German', el: 'Greek', en: 'English', es: 'Spanish', fa: 'Persian', fr: 'French',
  he: 'Hebrew', hi: 'Hindi', id: 'Indonesian', it: 'Italian', ja: 'Japanese', ko: 'Korean', nl: 'Dutch', pl: 'Polish',
  pt: 'Portuguese', ru: 'Russian', sw: 'Swahili', th: 'Thai', tr: 'Turkish', uk: 'Ukrainian', vi: 'Vietnamese', zh: 'Chinese',
};
const EIGHT = ['en', 'de', 'fr', 'ru', 'ar', 'hi', 'zh', 'sw'];

// ---- The worker -------------------------------------------------------

const state = {
  dit: null, llm: null, random: {},
  profiles: { server: null, here: null }, profileName: 'server',
  label: 3, schedule: [], brush: 'int8',
  busy: null, // the running job
  dense: {}, pruned: null, calib: 'en', pruneDone: false,
};

// The last results, for tests and the curious (window.pare.last).
const last = { sample: null, search: null, prune: null };

let worker = null;
let nextId = 1;
const pending = new Map();

function spawn() {
  worker = new Worker('worker.js');
  worker.onmessage = (e) => onWorker(e.data);
  worker.onerror = (e) => { e.preventDefault(); setStatus('error', 'worker failed: ' + (e.message || 'error')); };
  state.dit = state.llm = null;
  state.profiles = { server: null, here: null };
  state.pruned = null;
  setStatus('loading', 'starting…');
  updateButtons();
}

function onWorker(m) {
  switch (m.type) {
    case 'loading':
      setStatus('loading', m.total ? `loading ${m.what} ${Math.round(100 * m.loaded / m.total)}%` : `loading ${m.what}`);
      return;
    case 'ready':
      state.random[m.kind] = m.random;
      if (m.kind === 'dit') {
        state.dit = m.info;
        onDiTReady();
      } else {
        state.llm = m.info;
        onLLMReady();
      }
      showNotice();
      if (!state.busy) setStatus('ready', 'ready');
      updateButtons();
      return;
    case 'fatal':
      setStatus('error', m.message);
      return;
  }
  const job = pending.get(m.id);
  if (!job) return;
  if (m.type === 'progress') job.onProgress && job.onProgress(m.p);
  else if (m.type === 'text') job.onText && job.onText(m.text);
  else if (m.type === 'result') { pending.delete(m.id); job.resolve(m.result); }
  else if (m.type === 'error') {
    pending.delete(m.id);
    const err = new Error(m.message);
    err.cancelled = m.cancelled;
    job.reject(err);
  }
}

// call runs op in the worker; one job at a time.
function call(op, args, handlers = {}) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, ...handlers });
    state.busy = { id, op };
    setStatus('busy', 'working…');
    updateButtons();
    worker.postMessage({ type: 'run', id, op, args });
  }).finally(() => {
    if (state.busy && state.busy.id === id) state.busy = null;
    if (!state.busy) setStatus(state.dit ? 'ready' : 'loading', state.dit ? 'ready' : 'starting…');
    updateButtons();
  });
}

// cancel asks the running job to stop; if the worker does not answer
// soon (Go busy in one long kernel), it is replaced by a new one.
function cancel() {
  if (!state.busy) return;
  const { id } = state.busy;
  worker.postMessage({ type: 'cancel', id });
  setStatus('busy', 'cancelling…');
  setTimeout(() => {
    const job = pending.get(id);
    if (!job) return;
    pending.delete(id);
    worker.terminate();
    const err = new Error('cancelled');
    err.cancelled = true;
    job.reject(err);
    spawn();
  }, 2000);
}

function setStatus(kind, text) {
  $('status').dataset.state = kind;
  $('status-text').textContent = text;
}

function showNotice() {
  const which = Object.entries(state.random).filter(([, r]) => r).map(([k]) => (k === 'dit' ? 'the tiny DiT' : 'the tiny LLM'));
  const n = $('notice');
  n.hidden = which.length === 0;
  n.textContent = which.length ? `This build of pare has no trained weights for ${which.join(' and ')}: a model of the same size with random weights stands in, so images and text are noise, but every number is real.` : '';
}

function updateButtons() {
  const busy = !!state.busy;
  $('sample').disabled = busy || !state.dit;
  $('search').disabled = busy || !state.dit;
  $('prune').disabled = busy || !state.llm;
  $('generate').disabled = busy || !state.llm;
  const op = state.busy && state.busy.op;
  $('measure').disabled = busy || !state.dit;
  $('cancel-d').disabled = !(op === 'sample' || op === 'search' || op === 'profile');
  $('cancel-p').disabled = !(op === 'prune' || op === 'perplexity' || op === 'generate');
}

// ---- Progress ----------------------------------------------------------

function progress(prefix) {
  const box = $('progress-' + prefix);
  return {
    start() { box.hidden = false; this.set({ stage: 'starting…' }); $('error-' + prefix).hidden = true; },
    set(p) {
      $('stage-' + prefix).textContent = p.stage || '';
      const outer = $('outer-' + prefix);
      outer.hidden = !p.parts;
      if (p.parts) outer.firstChild.style.width = `${Math.min(100, 100 * p.part / p.parts)}%`;
      const inner = $('inner-' + prefix);
      inner.firstChild.style.width = p.steps ? `${Math.min(100, 100 * (p.step + 1) / p.steps)}%` : '0';
    },
    done() { box.hidden = true; },
    fail(err) {
      box.hidden = true;
      const e = $('error-' + prefix);
      e.hidden = false;
      e.textContent = err.cancelled ? 'Cancelled.' : err.message;
    },
  };
}

// ---- Tabs ----------------------------------------------------------------

function selectTab(name) {
  for (const t of ['diffusion', 'pruning']) {
    $('tab-' + t).setAttribute('aria-selected', String(t === name));
    $('panel-' + t).hidden = t !== name;
  }
  if (location.hash !== '#' + name) history.replaceState(null, '', '#' + name);
}

// ---- Diffusion -----------------------------------------------------------

function steps() { return clampInt($('steps').value, 1, 32, 8); }

function clampInt(v, lo, hi, def) {
  const n = Math.round(Number(v));
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : def;
}

function resizeSchedule(n) {
  const old = state.schedule;
  if (old.length === n) return;
  state.schedule = Array.from({ length: n }, (_, i) => (old.length ? old[Math.floor(i * old.length / n)] : 'f32'));
}

function preset(name) {
  const n = steps();
  state.schedule = Array.from({ length: n }, (_, i) => {
    if (name !== 'ends') return name;
    const edge = Math.max(1, Math.round(n / 4));
    return i < edge || i >= n - Math.max(1, Math.round(n / 8)) ? 'f32' : 'int8';
  });
  drawSchedule();
}

function drawSchedule() {
  const box = $('schedule');
  box.replaceChildren();
  const n = state.schedule.length;
  state.schedule.forEach((p, i) => {
    const label = n <= 16 || i % 4 === 0 || i === n - 1 ? String(i + 1) : '';
    box.append(el('div', { class: 'step', 'data-i': i, title: `step ${i + 1}: ${p}` },
      el('span', { style: `height:${HEIGHT[p] * 100}%;background:${COLORS[p]}` }),
      el('i', {}, label)));
  });
  const sp = predictedSpeedup(state.schedule);
  $('sched-speedup').textContent = sp ? `${sp.toFixed(2)}×` : '–';
  $('sched-text').textContent = runs(state.schedule);
}

function runs(s) {
  const out = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j < s.length && s[j] === s[i]) j++;
    out.push(`${s[i]}:${j - i}`);
    i = j;
  }
  return out.join(',');
}

function currentProfile() { return state.profiles[state.profileName]; }

function predictedSpeedup(s) {
  const p = currentProfile();
  const sec = p && p.seconds;
  if (!sec) return 0;
  const cost = s.reduce((a, p) => a + sec[p], 0);
  return cost > 0 ? s.length * sec.f32 / cost : 0;
}

function paintAt(x, y) {
  const t = document.elementFromPoint(x, y);
  const step = t && t.closest && t.closest('.schedule .step');
  if (!step) return;
  const i = Number(step.dataset.i);
  if (state.schedule[i] !== state.brush) {
    state.schedule[i] = state.brush;
    drawSchedule();
  }
}

function setupSchedule() {
  const box = $('schedule');
  let painting = false;
  box.addEventListener('pointerdown', (e) => { painting = true; box.setPointerCapture(e.pointerId); paintAt(e.clientX, e.clientY); });
  box.addEventListener('pointermove', (e) => { if (painting) paintAt(e.clientX, e.clientY); });
  const stop = () => { painting = false; };
  box.addEventListener('pointerup', stop);
  box.addEventListener('pointercancel', stop);

  const pal = $('palette');
  for (const p of PRECISIONS) {
    pal.append(el('button', { role: 'radio', 'aria-checked': String(p === state.brush), 'data-p': p, onclick: () => {
      state.brush = p;
      for (const b of pal.children) b.setAttribute('aria-checked', String(b.dataset.p === p));
    } }, el('span', { class: 'sw', style: `background:${COLORS[p]}` }), p));
  }
  for (const b of document.querySelectorAll('[data-preset]')) b.addEventListener('click', () => preset(b.dataset.preset));
  $('steps').addEventListener('change', () => {
    $('steps').value = steps();
    resizeSchedule(steps());
    drawSchedule();
  });
  const ladder = $('ladder');
  for (const p of PRECISIONS) {
    ladder.append(el('label', {}, el('input', Object.assign({ type: 'checkbox', value: p }, p === 'f32' ? { checked: '', disabled: '' } : { checked: '' })), p));
  }
  resizeSchedule(steps());
  preset('ends');
}

function setupLabels(labels) {
  const box = $('labels');
  box.replaceChildren();
  labels.forEach((name, i) => {
    box.append(el('button', { 'aria-pressed': String(i === state.label), 'aria-label': `label ${name}`, onclick: () => {
      state.label = i;
      for (const b of box.children) b.setAttribute('aria-pressed', 'false');
      box.children[i].setAttribute('aria-pressed', 'true');
    } }, name));
  });
}

async function onDiTReady() {
  setupLabels(state.dit.labels);
  // Speed-ups are predicted from what a step costs at each precision on the
  // server's CPU with its best kernels (pare serve measures it natively);
  // here, every precision runs wasm's portable kernels.
  try {
    const res = await fetch('models/profile.json');
    if (!res.ok) throw new Error(await res.text());
    const prof = await res.json();
    await call('setProfile', prof);
    state.profiles.server = prof;
  } catch (err) {
    state.profileName = 'here';
    pickProfile('here');
    $('profile-note').textContent = `No profile from the server (${err.message}): measure one here.`;
  }
  drawProfile();
  drawSchedule();
}

function measureHere() {
  const pr = progress('d');
  pr.start();
  return call('profile', { reps: 2, force: true }, { onProgress: (p) => pr.set(p) })
    .then((prof) => {
      pr.done();
      state.profiles.here = prof;
      drawProfile();
      drawSchedule();
      return prof;
    })
    .catch((err) => pr.fail(err));
}

function pickProfile(name) {
  state.profileName = name;
  for (const b of $('profile-pick').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.v === name));
  drawProfile();
  drawSchedule();
}

function drawProfile() {
  const { server, here } = state.profiles;
  if (!server && !here) {
    $('profile').replaceChildren(el('p', { class: 'muted' }, 'not measured yet'));
    return;
  }
  const ms = (p, k) => (p && p.seconds[k] ? `${(1000 * p.seconds[k]).toFixed(1)} ms` : '–');
  const sp = (p, k) => (p && p.speedup[k] ? `${p.speedup[k].toFixed(2)}×` : '–');
  const rows = PRECISIONS.map((k) => el('tr', {},
    el('td', {}, el('span', { class: 'sw', style: `background:${COLORS[k]}` }), k),
    el('td', {}, ms(server, k)), el('td', {}, sp(server, k)),
    el('td', {}, ms(here, k)), el('td', {}, sp(here, k))));
  $('profile').replaceChildren(el('table', {},
    el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', { colspan: '2' }, 'server CPU'), el('th', { colspan: '2' }, 'this browser'))),
    el('tbody', {}, ...rows)));
  $('profile-note').textContent = state.profileName === 'server'
    ? (server ? `Predicted on ${server.machine}. In the browser every precision runs pare’s portable kernels, so the measured speed-up stays near or below 1.` : '')
    : (here ? 'Predicted from the portable kernels as wasm runs them in this browser.' : 'Press “Measure in this browser” first.');
  $('measure').textContent = here ? 'Measure again' : 'Measure in this browser';
}

function sampleArgs() {
  $('steps').value = steps();
  return {
    profile: state.profileName,
    label: state.label,
    steps: steps(),
    seed: clampInt($('seed').value, 0, Number.MAX_SAFE_INTEGER, 1),
    cfg: Math.min(10, Math.max(0, Number($('cfg').value) || 0)),
  };
}

function drawImage(canvas, img) {
  canvas.width = img.w;
  canvas.height = img.h;
  const ctx = canvas.getContext('2d');
  const data = ctx.createImageData(img.w, img.h);
  const px = Uint8Array.from(atob(img.pixels), (c) => c.charCodeAt(0));
  for (let i = 0; i < img.w * img.h; i++) {
    const o = 4 * i;
    if (img.c === 1) data.data[o] = data.data[o + 1] = data.data[o + 2] = px[i];
    else for (let c = 0; c < 3; c++) data.data[o + c] = px[i * img.c + c];
    data.data[o + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
}

function showSample(res, caption) {
  drawImage($('img-ref'), res.reference);
  if (res.image && res.image.pixels) {
    drawImage($('img-out'), res.image);
    $('result-schedule').replaceChildren(...res.image.schedule.map((p) => el('span', { style: `background:${COLORS[p]}`, title: p })));
  }
  $('img-out-caption').textContent = caption;
  $('m-ssim').textContent = res.image ? res.ssim.toFixed(4) : '–';
  $('m-psnr').textContent = res.psnr == null ? '∞' : `${res.psnr.toFixed(1)} dB`;
  $('m-pred').textContent = res.predicted_speedup ? `${res.predicted_speedup.toFixed(2)}×` : '–';
  $('m-meas').textContent = res.measured_speedup ? `${res.measured_speedup.toFixed(2)}×` : '–';
  $('h-pixels').textContent = res.image ? res.image.pixel_hash : '–';
  document.body.dataset.sampleHash = res.image ? res.image.pixel_hash : '';
}

function runSample() {
  const args = { ...sampleArgs(), schedule: state.schedule.slice() };
  const pr = progress('d');
  pr.start();
  $('search-note').hidden = true;
  return call('sample', args, { onProgress: (p) => pr.set(p) })
    .then((res) => { pr.done(); last.sample = res; showSample(res, runs(res.image.schedule)); return res; })
    .catch((err) => pr.fail(err));
}

function runSearch() {
  const ladder = [...$('ladder').querySelectorAll('input:checked')].map((i) => i.value);
  const args = { ...sampleArgs(), target_speedup: Math.max(1, Number($('target').value) || 1), ladder };
  const pr = progress('d');
  pr.start();
  return call('search', args, { onProgress: (p) => pr.set(p) })
    .then((res) => {
      pr.done();
      last.search = res;
      const note = $('search-note');
      note.hidden = false;
      if (!res.feasible) {
        note.textContent = `No schedule reaches ${args.target_speedup}× here: ${res.reason}`;
        showSample({ ...res, image: null }, '–');
        return res;
      }
      state.schedule = res.image.schedule.slice();
      drawSchedule();
      showSample(res, `found: ${runs(res.image.schedule)}`);
      note.textContent = `Found in ${res.runs} sampler runs` + (res.certified ? ', optimal under additive error.' : '.') +
        ` Predicted SSIM ${res.predicted_ssim.toFixed(4)}, measured ${res.ssim.toFixed(4)}.`;
      return res;
    })
    .catch((err) => pr.fail(err));
}

// ---- Pruning -------------------------------------------------------------

function segmented(id, onChange) {
  const box = $(id);
  for (const b of box.querySelectorAll('button')) {
    b.addEventListener('click', () => {
      for (const o of box.querySelectorAll('button')) o.setAttribute('aria-pressed', String(o === b));
      if (onChange) onChange(b.dataset.v);
    });
  }
}
const pressed = (id) => $(id).querySelector('[aria-pressed="true"]').dataset.v;

function setupPruning() {
  segmented('method');
  segmented('pattern-kind', (v) => {
    $('unstructured-row').hidden = v !== 'unstructured';
    $('nm-row').hidden = v !== 'nm';
  });
  const out = () => { $('sparsity-out').textContent = `${Math.round(100 * Number($('sparsity').value))}%`; };
  $('sparsity').addEventListener('input', out);
  out();
}

function onLLMReady() {
  const sel = $('calib');
  sel.replaceChildren(...state.llm.languages.map((l) => el('option', { value: l }, `${LANG_NAMES[l] || l} (${l})`)));
  sel.value = state.llm.languages.includes('en') ? 'en' : state.llm.languages[0];
  state.dense = {};
  drawPPL(null);
}

function evalLangs(calib) {
  const all = state.llm.languages;
  if ($('eval-langs').value === 'all') return all;
  const set = EIGHT.filter((l) => all.includes(l));
  if (!set.includes(calib)) set.unshift(calib);
  return set;
}

function drawPPL(after) {
  const langs = Object.keys(state.dense).sort();
  if (!langs.length) {
    $('ppl').replaceChildren(el('p', { class: 'muted' }, 'Prune to compare the dense and the pruned model.'));
    return;
  }
  // A log scale: perplexities after pruning can be many times the dense ones.
  const vals = langs.flatMap((l) => [state.dense[l], after ? after[l] : 0]).filter((v) => v > 0);
  const hi = Math.log(Math.max(...vals) * 1.05);
  const lo = Math.log(Math.max(1, Math.min(...vals) / 1.5));
  const w = (v) => (v > 0 ? Math.max(1, 100 * (Math.log(v) - lo) / (hi - lo)) : 0);
  const head = el('div', { class: 'ppl-head' }, el('span', {}, ''), el('span', {}, 'perplexity, log scale'), el('span', {}, 'dense / pruned'));
  $('ppl').replaceChildren(head, ...langs.map((l) => {
    const d = state.dense[l];
    const p = after && after[l];
    const tip = `${LANG_NAMES[l] || l}: ${d.toFixed(1)}` + (p ? ` → ${p.toFixed(1)} (×${(p / d).toFixed(2)})` : '');
    return el('div', { class: 'ppl-row' + (l === state.calib ? ' calib' : ''), title: tip },
      el('span', { class: 'lang' }, l),
      el('div', { class: 'bars' },
        el('span', { class: 'd', style: `width:${w(d)}%` }),
        el('span', { class: 'p', style: `width:${p ? w(p) : 0}%` })),
      el('span', { class: 'val' }, el('span', {}, fmtPPL(d)), el('b', {}, p ? fmtPPL(p) : '–')));
  }));
}

function fmtPPL(v) { return v >= 1000 ? v.toFixed(0) : v.toFixed(1); }

function pruneArgs() {
  const pattern = pressed('pattern-kind') === 'nm' ? $('nm').value : String(Number($('sparsity').value));
  return {
    method: pressed('method'),
    sparsity: pattern,
    calib: $('calib').value,
    nsamples: clampInt($('nsamples').value, 1, 128, 16),
    seqlen: 64,
    seed: 0,
  };
}

async function runPrune() {
  const args = pruneArgs();
  state.calib = args.calib;
  const langs = evalLangs(args.calib);
  const evalArgs = { langs, seqlen: Number($('eval-tokens').value), windows: 1 };
  const pr = progress('p');
  pr.start();
  try {
    const dense = await call('perplexity', { ...evalArgs, model: 'dense' }, { onProgress: (p) => pr.set(p) });
    state.dense = dense;
    drawPPL(null);
    const res = await call('prune', args, { onProgress: (p) => pr.set(p) });
    state.pruneDone = true;
    last.prune = res;
    const rep = res.report;
    $('prune-report').textContent = `${rep.method} ${rep.pattern}: ${(100 * rep.sparsity).toFixed(1)}% of the Linear weights are zero, ` +
      `calibrated on ${LANG_NAMES[args.calib] || args.calib} (${rep.nsamples} windows of ${rep.seqlen} tokens), in ${res.seconds.toFixed(1)} s.`;
    $('h-weights').textContent = res.weights_hash;
    document.body.dataset.weightsHash = res.weights_hash;
    const after = await call('perplexity', { ...evalArgs, model: 'pruned' }, { onProgress: (p) => pr.set(p) });
    state.pruned = after;
    drawPPL(after);
    pr.done();
    $('gen-pruned').replaceChildren(el('span', { class: 'muted' }, 'ready: press Generate'));
    return res;
  } catch (err) {
    pr.fail(err);
  }
}

async function runGenerate() {
  const prompt = $('prompt').value;
  const args = { prompt, max_tokens: 40, temperature: 0 };
  const show = (id, text) => $(id).replaceChildren(el('span', { class: 'prompt' }, prompt), text);
  const models = state.pruneDone ? ['dense', 'pruned'] : ['dense'];
  const pr = progress('p');
  try {
    for (const m of models) {
      show('gen-' + m, '');
      await call('generate', { ...args, model: m }, { onText: (t) => show('gen-' + m, t) })
        .then((res) => show('gen-' + m, res.text));
    }
  } catch (err) {
    pr.fail(err);
  }
}

// ---- Start -----------------------------------------------------------------

function main() {
  for (const t of ['diffusion', 'pruning']) $('tab-' + t).addEventListener('click', () => selectTab(t));
  selectTab(location.hash === '#pruning' ? 'pruning' : 'diffusion');
  setupSchedule();
  setupPruning();
  $('sample').addEventListener('click', runSample);
  $('search').addEventListener('click', runSearch);
  $('prune').addEventListener('click', runPrune);
  $('generate').addEventListener('click', runGenerate);
  $('prompt').addEventListener('keydown', (e) => { if (e.key === 'Enter' && !$('generate').disabled) runGenerate(); });
  $('cancel-d').addEventListener('click', cancel);
  $('measure').addEventListener('click', measureHere);
  segmented('profile-pick', pickProfile);
  $('cancel-p').addEventListener('click', cancel);
  spawn();
  // For tests and the curious: the page's jobs as functions.
  window.pare = { call, state, last, runSample, runSearch, runPrune, runGenerate, cancel };
}

main();
