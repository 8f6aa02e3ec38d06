#!/usr/bin/env python3
"""Writes nn_golden.json: small cases of pare's NN operations evaluated by
PyTorch in float32, for tensor/nn_golden_test.go.

The functions below restate the reference implementations they mirror
(HF transformers LlamaRMSNorm, LlamaRotaryEmbedding with rope_type "llama3",
apply_rotary_pos_emb and eager attention with repeat_kv; DiT's
TimestepEmbedder.timestep_embedding and modulate), so only torch is needed.

Run from anywhere:  python3 tensor/testdata/nn_golden.py
The output is deterministic (fixed seed, one thread), so re-running it
rewrites the same file. Go tests read the JSON and never need torch.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
f32 = torch.float32


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, dtype=f32) * scale).to(f32)


def flat(t):
    return [float(v) for v in t.detach().to(f32).reshape(-1).tolist()]


cases = []


def case(name, op, params, **tensors):
    cases.append({"name": name, "op": op, "params": params,
                  "tensors": {k: flat(v) for k, v in tensors.items()}})


# ---- RMSNorm (LlamaRMSNorm.forward, f32 model) ----
def rms_norm(x, weight, eps):
    h = x.to(torch.float32)
    variance = h.pow(2).mean(-1, keepdim=True)
    h = h * torch.rsqrt(variance + eps)
    return weight * h


x, w = randn(3, 48, scale=2), randn(48)
case("rmsnorm", "rmsnorm", {"rows": 3, "dim": 48, "eps": 1e-6}, x=x, weight=w, out=rms_norm(x, w, 1e-6))
x, w = randn(4, 16) + 3, randn(16)
case("rmsnorm offset", "rmsnorm", {"rows": 4, "dim": 16, "eps": 1e-5}, x=x, weight=w, out=rms_norm(x, w, 1e-5))

# ---- LayerNorm ----
x, w, b = randn(3, 40, scale=3) + 1, randn(40), randn(40)
case("layernorm affine", "layernorm", {"rows": 3, "dim": 40, "eps": 1e-5}, x=x, weight=w, bias=b,
     out=F.layer_norm(x, (40,), w, b, eps=1e-5))
x = randn(4, 24, scale=2) - 0.5
case("layernorm dit", "layernorm", {"rows": 4, "dim": 24, "eps": 1e-6}, x=x,
     out=F.layer_norm(x, (24,), None, None, eps=1e-6))

# ---- Softmax ----
x = randn(3, 13, scale=4)
case("softmax", "softmax", {"rows": 3, "n": 13}, x=x, out=torch.softmax(x, dim=-1))

# ---- Activations ----
x = randn(64, scale=4)
case("silu", "silu", {}, x=x, out=F.silu(x))
case("gelu tanh", "gelu_tanh", {}, x=x, out=F.gelu(x, approximate="tanh"))
g, u = randn(40, scale=3), randn(40)
case("swiglu", "swiglu", {}, gate=g, up=u, out=F.silu(g) * u)


# ---- RoPE (LlamaRotaryEmbedding + apply_rotary_pos_emb) ----
def rope_inv_freq(head_dim, base, scaling):
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).to(dtype=torch.float) / head_dim))
    if scaling is None:
        return inv_freq
    factor = scaling["factor"]
    low_freq_factor = scaling["low_freq_factor"]
    high_freq_factor = scaling["high_freq_factor"]
    old_context_len = scaling["original_max_position_embeddings"]
    low_freq_wavelen = old_context_len / low_freq_factor
    high_freq_wavelen = old_context_len / high_freq_factor
    wavelen = 2 * math.pi / inv_freq
    inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
    smoothed_inv_freq = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
    is_medium_freq = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
    return torch.where(is_medium_freq, smoothed_inv_freq, inv_freq_llama)


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rope(x, positions, heads, head_dim, base, scaling):
    """x: [seq, heads*head_dim]; returns the rotated x and inv_freq."""
    inv_freq = rope_inv_freq(head_dim, base, scaling)
    position_ids = torch.tensor([positions], dtype=torch.int64)
    inv_freq_expanded = inv_freq[None, :, None].float().expand(1, -1, 1)
    position_ids_expanded = position_ids[:, None, :].float()
    freqs = (inv_freq_expanded.float() @ position_ids_expanded.float()).transpose(1, 2)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()  # [1, seq, head_dim]
    q = x.view(1, len(positions), heads, head_dim).transpose(1, 2)  # [1, heads, seq, hd]
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
    out = (q * cos) + (rotate_half(q) * sin)
    return out.transpose(1, 2).reshape(len(positions), heads * head_dim), inv_freq


llama3 = {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}
pos = [0, 1, 7, 1000, 8191, 20000]
x = randn(len(pos), 2 * 16)
out, inv = rope(x, pos, 2, 16, 500000.0, llama3)
case("rope llama3", "rope", {"heads": 2, "head_dim": 16, "theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0,
                             "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "positions": pos},
     x=x, inv_freq=inv, out=out)
pos = [3, 4, 5, 6]
x = randn(len(pos), 3 * 8)
out, inv = rope(x, pos, 3, 8, 1000000.0, None)
case("rope qwen", "rope", {"heads": 3, "head_dim": 8, "theta": 1000000.0, "positions": pos}, x=x, inv_freq=inv, out=out)


# ---- Attention (HF eager_attention_forward with repeat_kv and a causal mask) ----
def attention(q, k, v, seq_q, seq_k, heads, kv_heads, head_dim, causal, q_pos):
    q = q.view(1, seq_q, heads, head_dim).transpose(1, 2)
    k = k.view(1, seq_k, kv_heads, head_dim).transpose(1, 2)
    v = v.view(1, seq_k, kv_heads, head_dim).transpose(1, 2)
    n_rep = heads // kv_heads
    k = k[:, :, None].expand(1, kv_heads, n_rep, seq_k, head_dim).reshape(1, heads, seq_k, head_dim)
    v = v[:, :, None].expand(1, kv_heads, n_rep, seq_k, head_dim).reshape(1, heads, seq_k, head_dim)
    scaling = head_dim ** -0.5
    w = torch.matmul(q, k.transpose(2, 3)) * scaling
    if causal:
        i = torch.arange(seq_q)[:, None] + q_pos
        j = torch.arange(seq_k)[None, :]
        w = w + torch.where(j > i, torch.finfo(f32).min, 0.0).to(f32)
    w = torch.softmax(w, dim=-1, dtype=torch.float32)
    o = torch.matmul(w, v)
    return o.transpose(1, 2).reshape(seq_q, heads * head_dim)


for name, sq, sk, h, kvh, hd, causal, qpos in [
    ("attention causal gqa", 6, 6, 4, 2, 8, True, 0),
    ("attention causal qpos", 2, 7, 4, 1, 8, True, 5),
    ("attention full", 5, 5, 2, 2, 16, False, 0),
]:
    q, k, v = randn(sq, h * hd), randn(sk, kvh * hd), randn(sk, kvh * hd)
    case(name, "attention", {"seq_q": sq, "seq_k": sk, "heads": h, "kv_heads": kvh, "head_dim": hd,
                             "causal": causal, "q_pos": qpos},
         q=q, k=k, v=v, out=attention(q, k, v, sq, sk, h, kvh, hd, causal, qpos))


# ---- DiT (facebookresearch/DiT models.py) ----
def timestep_embedding(t, dim, max_period=10000):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(start=0, end=half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    embedding = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        embedding = torch.cat([embedding, torch.zeros_like(embedding[:, :1])], dim=-1)
    return embedding


t = torch.tensor([0.0, 1.0, 250.5, 999.0], dtype=f32)
for dim in (16, 9):
    case("timestep %d" % dim, "timestep", {"dim": dim, "max_period": 10000.0}, t=t, out=timestep_embedding(t, dim))

x, shift, scale = randn(3, 12), randn(12), randn(12)
case("modulate", "modulate", {"rows": 3, "dim": 12}, x=x, shift=shift, scale=scale,
     out=x * (1 + scale.unsqueeze(0)) + shift.unsqueeze(0))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_golden.json")
with open(path, "w") as f:
    json.dump({"generator": "tensor/testdata/nn_golden.py", "torch": torch.__version__.split("+")[0],
               "cases": cases}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print("wrote %s (%d cases)" % (path, len(cases)))
