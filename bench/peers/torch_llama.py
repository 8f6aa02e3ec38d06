#!/usr/bin/env python3
"""Prefill peer for `pare bench llm`: the same Llama model through PyTorch on CPU.

Loads a Hugging Face folder (config.json + model.safetensors, as `pare bench
llm --save-random DIR` writes or the tiny model's folder) into a plain
PyTorch Llama with transformers' numerics (RMSNorm in float32, rotate-half
RoPE, grouped-query attention, SiLU gated MLP, eager attention with a causal
mask) and times the same prefill as pare: embed the tokens, run every block,
the final norm and the LM head on the last position. Prints one JSON object
per line with the fields pare prints:

    op, model, tokens, threads, path, tokens_per_s, seconds (best wall time of
    one prefill), seconds_median, cpu_seconds (process CPU time per prefill,
    all threads: steadier than the wall clock on a loaded machine), reps

    /usr/bin/python3 bench/peers/torch_llama.py --model DIR --tokens 128,512 --threads 2

The token ids are those pare uses: id i = (i·7919) mod vocab. Only the
default RoPE is supported (no rope_scaling), which covers the models pare
benchmarks. The safetensors reader is a few lines of numpy, so no other
package is needed.
"""
import argparse
import json
import math
import os
import struct
import sys
import time

# OpenMP threads that spin while they wait stall for whole time slices on a
# loaded machine (a two-thread elementwise op then takes tens of
# milliseconds); passive waiting is the fair setting there. Set
# OMP_WAIT_POLICY=ACTIVE to measure an idle machine the other way.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def read_safetensors(path):
    """Returns {name: float32 torch tensor} from a .safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        raw = data[base + a:base + b]
        dt = info["dtype"]
        if dt == "F32":
            arr = np.frombuffer(raw, dtype="<f4")
        elif dt == "BF16":
            arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        elif dt == "F16":
            arr = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        else:
            raise ValueError(f"{path}: tensor {name} has dtype {dt}")
        out[name] = torch.from_numpy(arr.astype(np.float32, copy=True).reshape(info["shape"]))
    return out


def load_weights(folder):
    single = os.path.join(folder, "model.safetensors")
    if os.path.exists(single):
        return read_safetensors(single)
    with open(os.path.join(folder, "model.safetensors.index.json")) as f:
        index = json.load(f)
    out = {}
    for shard in sorted(set(index["weight_map"].values())):
        out.update(read_safetensors(os.path.join(folder, shard)))
    return out


class Llama:
    """A Llama-family decoder holding float32 weights by their HF names."""

    def __init__(self, folder):
        with open(os.path.join(folder, "config.json")) as f:
            c = json.load(f)
        if c.get("rope_scaling"):
            raise ValueError("rope_scaling is not supported by this peer")
        self.c = c
        self.hidden = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads") or self.heads
        self.head_dim = c.get("head_dim") or self.hidden // self.heads
        self.layers = c["num_hidden_layers"]
        self.eps = c.get("rms_norm_eps", 1e-6)
        self.theta = c.get("rope_theta", 10000.0)
        self.vocab = c["vocab_size"]
        self.w = load_weights(folder)
        if "lm_head.weight" not in self.w:
            self.w["lm_head.weight"] = self.w["model.embed_tokens.weight"]

    def linear(self, x, name):
        return F.linear(x, self.w[name + ".weight"], self.w.get(name + ".bias"))

    def rmsnorm(self, x, name):
        v = x.pow(2).mean(-1, keepdim=True)
        return self.w[name] * (x * torch.rsqrt(v + self.eps))

    def rope(self, seq):
        inv = 1.0 / (self.theta ** (torch.arange(0, self.head_dim, 2, dtype=torch.int64).float() / self.head_dim))
        freqs = torch.arange(seq).float()[:, None] * inv[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos(), emb.sin()

    @staticmethod
    def rotate_half(x):
        h = x.shape[-1] // 2
        return torch.cat((-x[..., h:], x[..., :h]), dim=-1)

    def block(self, x, i, cos, sin, mask, hooks=None):
        """x [B, T, hidden] -> the block's output. hooks(name, input) sees each Linear's input."""
        p = f"model.layers.{i}."
        B, T, _ = x.shape
        n = self.rmsnorm(x, p + "input_layernorm.weight")
        if hooks:
            for nm in ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"):
                hooks(nm, n)
        q = self.linear(n, p + "self_attn.q_proj").view(B, T, self.heads, self.head_dim).transpose(1, 2)
        k = self.linear(n, p + "self_attn.k_proj").view(B, T, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.linear(n, p + "self_attn.v_proj").view(B, T, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + self.rotate_half(q) * sin
        k = k * cos + self.rotate_half(k) * sin
        rep = self.heads // self.kv_heads
        if rep > 1:
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
        s = torch.matmul(q, k.transpose(2, 3)) * (1.0 / math.sqrt(self.head_dim)) + mask
        a = torch.matmul(F.softmax(s, dim=-1), v).transpose(1, 2).reshape(B, T, self.heads * self.head_dim)
        if hooks:
            hooks("self_attn.o_proj", a)
        x = x + self.linear(a, p + "self_attn.o_proj")
        n = self.rmsnorm(x, p + "post_attention_layernorm.weight")
        if hooks:
            hooks("mlp.gate_proj", n)
            hooks("mlp.up_proj", n)
        g = F.silu(self.linear(n, p + "mlp.gate_proj")) * self.linear(n, p + "mlp.up_proj")
        if hooks:
            hooks("mlp.down_proj", g)
        return x + self.linear(g, p + "mlp.down_proj")

    def causal(self, seq):
        return torch.full((seq, seq), float("-inf")).triu(1)

    def prefill(self, ids):
        """ids [B, T] -> logits of the last position [B, vocab]."""
        T = ids.shape[1]
        cos, sin = self.rope(T)
        mask = self.causal(T)
        x = F.embedding(ids, self.w["model.embed_tokens.weight"])
        for i in range(self.layers):
            x = self.block(x, i, cos, sin, mask)
        return F.linear(self.rmsnorm(x[:, -1], "model.norm.weight"), self.w["lm_head.weight"])


def bench_tokens(vocab, n):
    return torch.tensor([[(i * 7919) % vocab for i in range(n)]], dtype=torch.long)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="Hugging Face folder (config.json, model.safetensors)")
    p.add_argument("--name", default="", help="model name to print (default: the folder's base name)")
    p.add_argument("--tokens", default="128,512", help="prompt lengths, comma separated")
    p.add_argument("--threads", default="2", help="thread counts, comma separated")
    p.add_argument("--seconds", type=float, default=3.0, help="time budget per case")
    args = p.parse_args()
    m = Llama(args.model)
    name = args.name or os.path.basename(os.path.normpath(args.model))
    path = "torch-" + torch.__version__.split("+")[0] + "-cpu-f32"
    with torch.inference_mode():
        for t in [int(s) for s in args.threads.split(",") if s]:
            torch.set_num_threads(t)
            for n in [int(s) for s in args.tokens.split(",") if s]:
                ids = bench_tokens(m.vocab, n)
                m.prefill(ids)  # warm up
                ts = []
                start = time.perf_counter()
                c0 = time.process_time()
                while len(ts) < 3 or (time.perf_counter() - start < args.seconds and len(ts) < 1000):
                    t0 = time.perf_counter()
                    m.prefill(ids)
                    ts.append(time.perf_counter() - t0)
                cpu = (time.process_time() - c0) / len(ts)
                ts.sort()
                print(json.dumps({"op": "prefill", "model": name, "tokens": n, "threads": t, "path": path,
                                  "tokens_per_s": round(n / ts[0], 1), "seconds": ts[0],
                                  "seconds_median": ts[len(ts) // 2], "cpu_seconds": cpu,
                                  "reps": len(ts)}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
