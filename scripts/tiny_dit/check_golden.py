#!/usr/bin/env python3
"""Recompute golden.safetensors with a plain-numpy DiT and compare.

This is an independent, loop-level description of the model (no torch
modules), the same one a Go port follows; it checks that the documented
layout (token order, qkv split, pos_embed, unpatchify, timestep embedding,
CFG and Euler updates) really is what produced the golden file.

    /usr/bin/python3 scripts/tiny_dit/check_golden.py [--dir model/tiny/dit]
"""

import argparse
import json
import math
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

_DT = {"F32": np.float32, "I32": np.int32, "I64": np.int64, "F16": np.float16}


def read_st(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    h = json.loads(data[8:8 + n])
    h.pop("__metadata__", None)
    out = {}
    for k, v in h.items():
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(data[8 + n + a:8 + n + b], dtype=_DT[v["dtype"]]).reshape(v["shape"])
    return out


def linear(x, W, b):
    return x @ W.T + b


def silu(x):
    return x / (1 + np.exp(-x))


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def layernorm(x, eps=1e-6):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps)


def forward(W, cfg, x, timestep, y, trace=None):
    """x [N,C,H,W], timestep [N] (= t*1000), y [N] int. Computed in f64."""
    N, C, H, _ = x.shape
    p = cfg["patch_size"]
    D = cfg["hidden_size"]
    heads = cfg["num_heads"]
    hd = D // heads
    g = H // p
    # Patch embedding: token n = row*g + col, features of a patch flattened [C][p][p].
    patches = x.reshape(N, C, g, p, g, p).transpose(0, 2, 4, 1, 3, 5).reshape(N, g * g, C * p * p)
    Wp = W["x_embedder.proj.weight"].reshape(D, C * p * p)
    h = patches @ Wp.T + W["x_embedder.proj.bias"] + W["pos_embed"][0]
    # Timestep: [cos(t f_k), sin(t f_k)], f_k = exp(-ln(1e4) k / 128), k < 128.
    half = cfg["frequency_embedding_size"] // 2
    freqs = np.exp(-math.log(10000) * np.arange(half, dtype=np.float32) / half).astype(np.float32)
    args = timestep.astype(np.float32)[:, None] * freqs[None]
    tf = np.concatenate([np.cos(args), np.sin(args)], -1)
    te = linear(silu(linear(tf, W["t_embedder.mlp.0.weight"], W["t_embedder.mlp.0.bias"])),
                W["t_embedder.mlp.2.weight"], W["t_embedder.mlp.2.bias"])
    c = te + W["y_embedder.embedding_table.weight"][y]
    if trace is not None:
        trace.update(embed=h, t_emb=te, c=c)
    sc = silu(c)
    for i in range(cfg["depth"]):
        pre = "blocks.%d." % i
        mod = linear(sc, W[pre + "adaLN_modulation.1.weight"], W[pre + "adaLN_modulation.1.bias"])
        sh1, sc1, g1, sh2, sc2, g2 = [m[:, None, :] for m in np.split(mod, 6, axis=1)]
        a = layernorm(h) * (1 + sc1) + sh1
        qkv = linear(a, W[pre + "attn.qkv.weight"], W[pre + "attn.qkv.bias"])
        qkv = qkv.reshape(N, g * g, 3, heads, hd)  # features [3][heads][hd]
        q, k, v = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2]  # [N, T, heads, hd]
        s = np.einsum("nqhd,nkhd->nhqk", q * hd ** -0.5, k)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        o = np.einsum("nhqk,nkhd->nqhd", s, v).reshape(N, g * g, D)
        h = h + g1 * linear(o, W[pre + "attn.proj.weight"], W[pre + "attn.proj.bias"])
        a = layernorm(h) * (1 + sc2) + sh2
        m = gelu_tanh(linear(a, W[pre + "mlp.fc1.weight"], W[pre + "mlp.fc1.bias"]))
        h = h + g2 * linear(m, W[pre + "mlp.fc2.weight"], W[pre + "mlp.fc2.bias"])
        if trace is not None:
            trace["block%d" % i] = h
    mod = linear(sc, W["final_layer.adaLN_modulation.1.weight"], W["final_layer.adaLN_modulation.1.bias"])
    sh, scl = [m[:, None, :] for m in np.split(mod, 2, axis=1)]
    o = linear(layernorm(h) * (1 + scl) + sh, W["final_layer.linear.weight"], W["final_layer.linear.bias"])
    # Unpatchify: token (row, col) features [p][p][C] -> pixel (row*p+i, col*p+j), channel c.
    Co = cfg["out_channels"]
    return o.reshape(N, g, g, p, p, Co).transpose(0, 5, 1, 3, 2, 4).reshape(N, Co, g * p, g * p)


def sample(W, cfg, noise, y, steps, cfg_scale):
    x = noise.astype(np.float64)
    null = cfg["null_class"]
    n = len(y)
    for i in range(steps):
        t0 = np.float32(1.0 - i / steps)
        t1 = np.float32(1.0 - (i + 1) / steps)
        ts = np.full(2 * n, t0 * np.float32(1000.0), dtype=np.float32)
        out = forward(W, cfg, np.concatenate([x, x]), ts, np.concatenate([y, np.full(n, null)]))
        vc, vu = out[:n], out[n:]
        x = x + float(t1 - t0) * (vu + cfg_scale * (vc - vu))
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.join(REPO, "model", "tiny", "dit"))
    args = ap.parse_args()
    with open(os.path.join(args.dir, "config.json")) as f:
        cfg = json.load(f)
    W = {k: v.astype(np.float64) for k, v in read_st(os.path.join(args.dir, "model.safetensors")).items()}
    G = read_st(os.path.join(args.dir, "golden.safetensors"))
    ok = True

    def cmp(name, got, want, tol):
        nonlocal ok
        err = np.abs(got - want).max() / max(1e-6, np.abs(want).max())
        flag = "ok" if err < tol else "FAIL"
        ok &= err < tol
        print("%-16s max rel err %.2e  %s" % (name, err, flag))

    trace = {}
    out = forward(W, cfg, G["forward.x"].astype(np.float64), G["forward.timestep"],
                  G["forward.y"].astype(np.int64), trace)
    for k, v in trace.items():
        cmp("forward." + k, v, G["forward." + k], 1e-4)
    cmp("forward.out", out, G["forward.out"], 1e-4)
    steps = len(G["sample.t"]) - 1
    xs = sample(W, cfg, G["sample.noise"], G["sample.y"].astype(np.int64), steps, 2.0)
    cmp("sample.out", xs, G["sample.out"], 1e-3)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
