#!/usr/bin/env python3
"""Train pare's tiny multilingual Llama and write it in Hugging Face layout.

The model is the Llama architecture written out below with transformers'
parameter names and numerics (LlamaRMSNorm in float32, rotate_half RoPE as
LlamaRotaryEmbedding, SiLU-gated MLP, grouped-query attention, no biases,
untied lm_head), so LlamaForCausalLM loads the files as they are.

Data: the calibration split (preamble, articles 1..20) of every language in
model/corpus/data, tokenized with model/tiny/llm/tokenizer.json by bpe.py.
Each passage is <|begin_of_text|> text <|end_of_text|>; a language's
passages are concatenated into one token stream. A training batch holds one
window of SEQ_LEN+1 tokens from each of BATCH languages: the languages
rotate through a seeded permutation so all of them appear equally often,
and window starts are drawn uniformly (the stream wraps around).

Held-out perplexity of a language: its eval split (articles 21..30) as a
stream built the same way, cut into consecutive windows of SEQ_LEN+1 tokens
(overlapping by one: the last token of a window is the first input of the
next; the final window may be shorter), exp of the mean next-token negative
log-likelihood over all predicted tokens.

Everything is fixed: seed, step count, schedule. With the same torch build
and thread count the run is repeatable; it is not time-based.

Outputs (in --out, default model/tiny/llm):
  config.json, model.safetensors (bfloat16, written by hand),
  golden.json (float32 logits of 3 sequences from the bf16-rounded weights),
  train_log.json (loss curve, per-language held-out perplexity).

Usage:
  /usr/bin/python3 scripts/tiny_llm/train.py --threads 2            # full run
  /usr/bin/python3 scripts/tiny_llm/train.py --steps 5 --out /tmp/x  # smoke test
"""

import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402
import train_tokenizer  # noqa: E402

VERSION = "pare-tiny-llama-1"
ROOT = train_tokenizer.ROOT
LLM_DIR = os.path.join(ROOT, "model", "tiny", "llm")

CONFIG = {
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "vocab_size": 4096,
    "hidden_size": 256,
    "intermediate_size": 768,
    "num_hidden_layers": 6,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 64,
    "hidden_act": "silu",
    "max_position_embeddings": 128,
    "rms_norm_eps": 1e-5,
    "rope_theta": 10000.0,
    "rope_scaling": None,
    "attention_bias": False,
    "attention_dropout": 0.0,
    "mlp_bias": False,
    "pretraining_tp": 1,
    "initializer_range": 0.02,
    "tie_word_embeddings": False,
    "bos_token_id": 4094,
    "eos_token_id": 4095,
    "use_cache": True,
    "torch_dtype": "bfloat16",
}

SEQ_LEN = 128


# ---------------------------------------------------------------- model ----

class RMSNorm(nn.Module):
    """LlamaRMSNorm: normalise in float32, scale in the input dtype."""

    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.to(torch.float32)
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


def rope_cos_sin(positions, head_dim, theta):
    """LlamaRotaryEmbedding (default rope): cos, sin of shape [T, head_dim] in float32."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    freqs = positions.float()[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, self.nh, self.nkv, self.hd = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"]
        self.q_proj = nn.Linear(d, self.nh * self.hd, bias=False)
        self.k_proj = nn.Linear(d, self.nkv * self.hd, bias=False)
        self.v_proj = nn.Linear(d, self.nkv * self.hd, bias=False)
        self.o_proj = nn.Linear(self.nh * self.hd, d, bias=False)

    def forward(self, x, cos, sin):
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.nh, self.hd).transpose(1, 2)   # [B, nh, T, hd]
        k = self.k_proj(x).view(B, T, self.nkv, self.hd).transpose(1, 2)  # [B, nkv, T, hd]
        v = self.v_proj(x).view(B, T, self.nkv, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = self.nh // self.nkv  # repeat_kv: query head h uses kv head h // rep
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        scores = (q @ k.transpose(2, 3)) / math.sqrt(self.hd)            # [B, nh, T, T]
        mask = torch.full((T, T), float("-inf")).triu(1)
        probs = F.softmax((scores + mask).float(), dim=-1).to(q.dtype)
        out = (probs @ v).transpose(1, 2).reshape(B, T, self.nh * self.hd)
        return self.o_proj(out)


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, i = c["hidden_size"], c["intermediate_size"]
        self.gate_proj = nn.Linear(d, i, bias=False)
        self.up_proj = nn.Linear(d, i, bias=False)
        self.down_proj = nn.Linear(i, d, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, c, dropout):
        super().__init__()
        self.input_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.mlp = MLP(c)
        self.dropout = dropout  # training only; not part of the HF model

    def forward(self, x, cos, sin):
        h = self.self_attn(self.input_layernorm(x), cos, sin)
        x = x + F.dropout(h, self.dropout, self.training)
        h = self.mlp(self.post_attention_layernorm(x))
        return x + F.dropout(h, self.dropout, self.training)


class Backbone(nn.Module):
    def __init__(self, c, dropout):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(DecoderLayer(c, dropout) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])


class LlamaForCausalLM(nn.Module):
    def __init__(self, c, dropout=0.0):
        super().__init__()
        self.c = c
        self.model = Backbone(c, dropout)
        self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)

    def forward(self, ids, trace=None):
        """ids [B, T] -> logits [B, T, V]; trace, if a list, gets the hidden states after the
        embedding and after every layer."""
        T = ids.shape[1]
        cos, sin = rope_cos_sin(torch.arange(T), self.c["head_dim"], self.c["rope_theta"])
        x = self.model.embed_tokens(ids)
        if trace is not None:
            trace.append(x)
        for layer in self.model.layers:
            x = layer(x, cos, sin)
            if trace is not None:
                trace.append(x)
        return self.lm_head(self.model.norm(x))


def init_weights(model, std):
    """transformers' LlamaPreTrainedModel._init_weights: N(0, std) for Linear and Embedding."""
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, mean=0.0, std=std)


# ----------------------------------------------------------------- data ----

def token_streams(tok, split):
    """lang -> int64 tensor: <bos> passage <eos> ... for the split."""
    out = {}
    for lang, texts in sorted(train_tokenizer.load_corpus(split).items()):
        ids = []
        for t in texts:
            ids += [tok.bos_id] + tok.encode(t, add_special_tokens=False) + [tok.eos_id]
        out[lang] = torch.tensor(ids, dtype=torch.int64)
    return out


def eval_windows(stream):
    """Consecutive windows of up to SEQ_LEN+1 tokens overlapping by one."""
    return [stream[s:s + SEQ_LEN + 1] for s in range(0, len(stream) - 1, SEQ_LEN)]


@torch.no_grad()
def perplexity(model, streams, max_windows=None, batch=16):
    """lang -> exp(mean next-token NLL) over eval_windows of the stream."""
    model.eval()
    res = {}
    for lang, s in streams.items():
        ws = eval_windows(s)[:max_windows]
        nll, n = 0.0, 0
        full = [w for w in ws if len(w) == SEQ_LEN + 1]
        rest = [w for w in ws if len(w) != SEQ_LEN + 1]
        groups = [torch.stack(full[i:i + batch]) for i in range(0, len(full), batch)]
        groups += [w[None] for w in rest]
        for g in groups:
            logits = model(g[:, :-1])
            nll += F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), g[:, 1:].reshape(-1),
                                   reduction="sum").item()
            n += g[:, 1:].numel()
        res[lang] = math.exp(nll / n)
    model.train()
    return res


# ----------------------------------------------------------- safetensors ----

def bf16_round(t):
    return t.detach().to(torch.bfloat16)


def write_safetensors(path, tensors, metadata):
    """tensors: name -> bfloat16 tensor. Header: 8-byte little-endian length, JSON
    padded with spaces to a multiple of 8; data in sorted-name order."""
    header = {"__metadata__": metadata}
    blobs, off = [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        assert t.dtype == torch.bfloat16
        b = t.view(torch.int16).numpy().astype("<i2").tobytes()
        header[name] = {"dtype": "BF16", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path):
    """Reads back what write_safetensors wrote (bfloat16 only) as float32 tensors."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        s, e = info["data_offsets"]
        a = np.frombuffer(raw[base + s:base + e], dtype="<u2").astype(np.uint32) << 16
        out[name] = torch.from_numpy(a.view(np.float32).reshape(info["shape"]).copy())
    return out


# ------------------------------------------------------------------ main ----

def lr_at(step, steps, lr, warmup):
    if step < warmup:
        return lr * (step + 1) / warmup
    p = (step - warmup) / max(1, steps - warmup)
    return lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))


GOLDEN = [  # (lang, split, article, number of tokens incl. bos)
    ("en", "calib", 1, 24),
    ("zh", "eval", 21, 20),
    ("sw", "eval", 26, 28),
]


def golden_sequences(tok):
    seqs = []
    for lang, split, art, n in GOLDEN:
        texts = train_tokenizer.load_corpus(split)[lang]
        first = 0 if split == "calib" else 21
        ids = tok.encode(texts[art - first])[:n]
        while tok.encode(tok.decode(ids[1:])) != ids:  # keep text and ids in step
            ids = ids[:-1]
        seqs.append({"lang": lang, "split": split, "article": art, "ids": ids,
                     "text": tok.decode(ids[1:])})
    return seqs


def f9(x):
    return float("%.9g" % x)


@torch.no_grad()
def make_golden(model_f32, tok, seed):
    """Logits in float32 of the bf16-rounded weights, at three positions of each sequence."""
    model_f32.eval()
    out = []
    for s in golden_sequences(tok):
        ids = torch.tensor([s["ids"]])
        trace = []
        logits = model_f32(ids, trace=trace)[0]
        model64 = model_f32.double()
        logits64 = model64(ids)[0]
        model_f32.float()
        n = ids.shape[1]
        pos = [0, n // 2, n - 1]
        nll = F.cross_entropy(logits[:-1], ids[0, 1:]).item()
        s.update({
            "positions": pos,
            "logits": [[f9(v) for v in logits[p].tolist()] for p in pos],
            "argmax": [int(logits[p].argmax()) for p in pos],
            "hidden_last": {("embed" if i == 0 else f"layer_{i - 1}"): [f9(v) for v in h[0, -1].tolist()]
                            for i, h in enumerate(trace)},
            "mean_nll": f9(nll),
            "max_abs_diff_vs_float64": f9((logits.double() - logits64).abs().max().item()),
        })
        out.append(s)
    return {
        "comment": "Float32 forward of model.safetensors (bfloat16 weights widened exactly to float32) "
                   "by scripts/tiny_llm/train.py. ids include <|begin_of_text|>; logits[j] is the full "
                   "vocab row at positions[j] (0-based, the prediction of the next token); hidden_last "
                   "holds the residual stream at the last position after the embedding and after each "
                   "decoder layer (before the final norm); mean_nll is the mean next-token NLL of the "
                   "sequence.",
        "version": VERSION,
        "seed": seed,
        "weights_dtype": "bfloat16",
        "compute_dtype": "float32",
        "sequences": out,
    }


def write_golden(path, golden):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(golden, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--batch", type=int, default=8, help="windows per step (one per language)")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--eval-windows", type=int, default=None,
                    help="evaluate on at most this many windows per language (smoke tests)")
    ap.add_argument("--out", default=LLM_DIR)
    ap.add_argument("--golden-only", action="store_true",
                    help="rewrite golden.json from the model.safetensors in --out; no training")
    args = ap.parse_args()

    if args.golden_only:
        torch.set_num_threads(args.threads)
        tok = bpe.Tokenizer.from_file(os.path.join(LLM_DIR, "tokenizer.json"))
        saved = LlamaForCausalLM(CONFIG)
        saved.load_state_dict(read_safetensors(os.path.join(args.out, "model.safetensors")))
        write_golden(os.path.join(args.out, "golden.json"), make_golden(saved, tok, args.seed))
        return

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    t0, c0 = time.time(), time.process_time()

    tok = bpe.Tokenizer.from_file(os.path.join(LLM_DIR, "tokenizer.json"))
    train = token_streams(tok, "calib")
    held = token_streams(tok, "eval")
    langs = sorted(train)
    print(f"{len(langs)} languages, {sum(len(s) for s in train.values())} training tokens, "
          f"{sum(len(s) for s in held.values())} held-out tokens", flush=True)

    model = LlamaForCausalLM(CONFIG, dropout=args.dropout)
    init_weights(model, CONFIG["initializer_range"])
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{n_params} parameters", flush=True)

    decay = [p for n, p in model.named_parameters() if p.dim() == 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95), eps=1e-8)

    log = {"version": VERSION, "config": CONFIG, "params": n_params,
           "args": {k: v for k, v in vars(args).items() if k != "out"},
           "seq_len": SEQ_LEN, "train_tokens": {l: len(s) for l, s in train.items()},
           "eval_tokens": {l: len(s) for l, s in held.items()}, "loss": [], "eval": []}
    order = []
    model.train()
    for step in range(args.steps):
        batch = []
        for _ in range(args.batch):
            if not order:
                order = list(rng.permutation(len(langs)))
            s = train[langs[order.pop()]]
            start = int(rng.integers(len(s)))
            idx = (torch.arange(SEQ_LEN + 1) + start) % len(s)
            batch.append(s[idx])
        batch = torch.stack(batch)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.steps, args.lr, args.warmup)
        logits = model(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0).item()
        opt.step()
        log["loss"].append([step, round(loss.item(), 5)])
        if step % 10 == 0 or step == args.steps - 1:
            print(f"step {step:5d} loss {loss.item():.4f} gnorm {gnorm:.3f} "
                  f"lr {lr_at(step, args.steps, args.lr, args.warmup):.2e} {time.time() - t0:7.1f}s "
                  f"cpu {time.process_time() - c0:7.1f}s", flush=True)
        if args.eval_every and (step + 1) % args.eval_every == 0 and step + 1 < args.steps:
            ppl = perplexity(model, held, args.eval_windows)
            log["eval"].append({"step": step + 1, "ppl": {l: round(v, 3) for l, v in ppl.items()}})
            print(f"step {step + 1} held-out ppl mean {np.mean(list(ppl.values())):.2f} " +
                  " ".join(f"{l}={v:.1f}" for l, v in ppl.items()), flush=True)
    train_s, train_cpu = time.time() - t0, time.process_time() - c0

    # Round to bfloat16, save, read back, and evaluate what was saved.
    os.makedirs(args.out, exist_ok=True)
    ppl_f32 = perplexity(model, held, args.eval_windows)
    tensors = {n: bf16_round(p) for n, p in model.state_dict().items()}
    write_safetensors(os.path.join(args.out, "model.safetensors"), tensors,
                      {"format": "pt", "pare": VERSION, "seed": str(args.seed), "steps": str(args.steps)})
    saved = LlamaForCausalLM(CONFIG)
    saved.load_state_dict(read_safetensors(os.path.join(args.out, "model.safetensors")))
    for n, p in saved.state_dict().items():
        assert torch.equal(p, tensors[n].float()), n
    ppl = perplexity(saved, held, args.eval_windows)
    ppl_train = perplexity(saved, train, args.eval_windows)
    with open(os.path.join(args.out, "config.json"), "w", newline="\n") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")
    write_golden(os.path.join(args.out, "golden.json"), make_golden(saved, tok, args.seed))

    log["eval"].append({"step": args.steps, "ppl": {l: round(v, 3) for l, v in ppl.items()}})
    log["final"] = {
        "heldout_ppl_bf16": {l: round(v, 3) for l, v in ppl.items()},
        "heldout_ppl_f32_before_rounding": {l: round(v, 3) for l, v in ppl_f32.items()},
        "train_ppl_bf16": {l: round(v, 3) for l, v in ppl_train.items()},
        "mean_heldout_ppl_bf16": round(float(np.mean(list(ppl.values()))), 3),
        "train_seconds": round(train_s, 1),
        "train_cpu_seconds": round(train_cpu, 1),
        "threads": args.threads,
        "torch": torch.__version__,
    }
    with open(os.path.join(args.out, "train_log.json"), "w", newline="\n") as f:
        json.dump(log, f, separators=(",", ":"))
        f.write("\n")
    print(f"trained {args.steps} steps in {train_s:.0f}s wall ({train_s / 60:.1f} min), "
          f"{train_cpu:.0f}s cpu on {args.threads} threads")
    print("lang  held-out ppl (bf16)  (f32)   train ppl")
    for l in langs:
        print(f"{l:4s} {ppl[l]:12.2f} {ppl_f32[l]:12.2f} {ppl_train[l]:10.2f}")
    print(f"mean {log['final']['mean_heldout_ppl_bf16']:.2f}")


if __name__ == "__main__":
    main()
