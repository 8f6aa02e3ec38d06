#!/usr/bin/env python3
"""DiT peer for `pare bench dit`: one denoising step through PyTorch on CPU.

Reads a DiT folder as pare writes it (`pare bench dit --save-random DIR`,
or model/tiny/dit): config.json (pare's model/dit.Config) and
model.safetensors with the parameter names of facebookresearch/DiT. The
model below is the original DiT layout written in plain torch (no timm, no
other file of pare), so this script stands alone.

One step is what pare times: one model call with classifier-free guidance,
so batch B runs 2B rows (B conditional + B null-class) and the guided output
uncond + w*(cond - uncond) is formed (w = 4, as DiT samples). Prints one
JSON object per line with the fields pare prints:

    {"op": "dit_step", "model", "batch", "precision", "threads", "path",
     "cfg": true, "seconds" (median), "best", "steps_per_s",
     "cpu_seconds" (process CPU time per step, all threads), "reps"}

    /usr/bin/python3 bench/peers/torch_dit.py --dir DIR --model dit-s2 --batch 1,8 --threads 2

--precision bf16 runs the same call under torch.autocast("cpu",
dtype=torch.bfloat16) where this torch supports it.

Threads: the script runs itself again with OMP_NUM_THREADS and
OPENBLAS_NUM_THREADS set to --threads (Debian's torch calls OpenBLAS, which
has a thread pool of its own) and OMP_WAIT_POLICY=PASSIVE (--omp-wait): on a
machine shared with other work, OpenMP's default spinning barriers made a
tiny-DiT step 10-30x slower in our runs; on an idle machine try
--omp-wait active and keep the faster.
"""
import argparse
import json
import math
import os
import struct
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dir", required=True, help="folder with config.json and model.safetensors")
    p.add_argument("--model", default="", help="name printed in the JSON (default: the folder)")
    p.add_argument("--batch", default="1,8", help="batch sizes (images per step), comma separated")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (default: all cores)")
    p.add_argument("--precision", default="f32", help="f32 and/or bf16 (CPU autocast), comma separated")
    p.add_argument("--seconds", type=float, default=2.0, help="time budget per case (at least 3 steps)")
    p.add_argument("--omp-wait", default="passive", choices=["passive", "active"], help="OMP_WAIT_POLICY")
    return p.parse_args()


if __name__ == "__main__" and os.environ.get("PARE_TORCH_DIT_CHILD") != "1":
    _a = parse_args()
    _env = dict(os.environ, PARE_TORCH_DIT_CHILD="1", OMP_WAIT_POLICY=_a.omp_wait.upper())
    if _a.threads > 0:
        _env["OMP_NUM_THREADS"] = _env["OPENBLAS_NUM_THREADS"] = str(_a.threads)
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable] + sys.argv, _env)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

FREQ_DIM = 256

_NP = {"F32": np.float32, "F16": np.float16, "BF16": np.uint16, "I32": np.int32, "I64": np.int64}


def load_safetensors(path):
    """8-byte little-endian header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    base = 8 + n
    out = {}
    for name, info in header.items():
        a, b = info["data_offsets"]
        dt = info["dtype"]
        if dt not in _NP:
            raise SystemExit("%s: tensor %s has unsupported dtype %s" % (path, name, dt))
        arr = np.frombuffer(data, dtype=_NP[dt], count=(b - a) // np.dtype(_NP[dt]).itemsize, offset=base + a)
        if dt == "BF16":  # widen to f32: bf16 is the top half of an f32
            arr = (arr.astype(np.uint32) << 16).view(np.float32)
        t = torch.from_numpy(np.array(arr, copy=True)).reshape(info["shape"])
        if t.is_floating_point():
            t = t.float()
        out[name] = t
    return out


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


def timestep_embedding(t, dim=FREQ_DIM, max_period=10000):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(0, half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


class PatchEmbed(nn.Module):
    def __init__(self, in_ch, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(in_ch, dim, kernel_size=patch, stride=patch, bias=True)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class TimestepEmbedder(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(FREQ_DIM, dim), nn.SiLU(), nn.Linear(dim, dim))

    def forward(self, t):
        return self.mlp(timestep_embedding(t))


class LabelEmbedder(nn.Module):
    def __init__(self, num_classes, dim):
        super().__init__()
        self.embedding_table = nn.Embedding(num_classes + 1, dim)

    def forward(self, y):
        return self.embedding_table(y)


class Attention(nn.Module):
    """timm's Attention as DiT uses it (qkv laid out [3][heads][head_dim])."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q * self.scale) @ k.transpose(-2, -1)
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x), approximate="tanh"))


class DiTBlock(nn.Module):
    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(dim, 6 * dim))

    def forward(self, x, c):
        sm, cm, gm, sf, cf, gf = self.adaLN_modulation(c).chunk(6, dim=1)
        x = x + gm.unsqueeze(1) * self.attn(modulate(self.norm1(x), sm, cm))
        x = x + gf.unsqueeze(1) * self.mlp(modulate(self.norm2(x), sf, cf))
        return x


class FinalLayer(nn.Module):
    def __init__(self, dim, patch, out_ch):
        super().__init__()
        self.norm_final = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.linear = nn.Linear(dim, patch * patch * out_ch)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(dim, 2 * dim))

    def forward(self, x, c):
        shift, scale = self.adaLN_modulation(c).chunk(2, dim=1)
        return self.linear(modulate(self.norm_final(x), shift, scale))


class DiT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, p, c = cfg["hidden_size"], cfg["patch_size"], cfg["in_channels"]
        self.in_channels = c
        self.out_channels = 2 * c if cfg.get("learn_sigma") else c
        self.patch_size = p
        self.grid = cfg["input_size"] // p
        self.x_embedder = PatchEmbed(c, d, p)
        self.t_embedder = TimestepEmbedder(d)
        self.y_embedder = LabelEmbedder(cfg["num_classes"], d)
        self.pos_embed = nn.Parameter(torch.zeros(1, self.grid * self.grid, d), requires_grad=False)
        self.blocks = nn.ModuleList([DiTBlock(d, cfg["num_heads"], cfg["mlp_ratio"]) for _ in range(cfg["depth"])])
        self.final_layer = FinalLayer(d, p, self.out_channels)

    def unpatchify(self, x):
        c, p, h = self.out_channels, self.patch_size, self.grid
        x = x.reshape(x.shape[0], h, h, p, p, c)
        x = torch.einsum("nhwpqc->nchpwq", x)
        return x.reshape(x.shape[0], c, h * p, h * p)

    def forward(self, x, t, y):
        x = self.x_embedder(x) + self.pos_embed
        c = self.t_embedder(t) + self.y_embedder(y)
        for block in self.blocks:
            x = block(x, c)
        return self.unpatchify(self.final_layer(x, c))


def load(folder):
    with open(folder + "/config.json") as f:
        cfg = json.load(f)
    model = DiT(cfg)
    sd = load_safetensors(folder + "/model.safetensors")
    if "pos_embed" not in sd:
        raise SystemExit("%s/model.safetensors has no pos_embed (pare writes it)" % folder)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    if missing or unexpected:
        raise SystemExit("state dict mismatch: missing %s, unexpected %s" % (missing, unexpected))
    return cfg, model.eval()


def step_fn(model, cfg, batch, guidance=4.0):
    """One guided denoising step: a model call on [cond; null] and the CFG combination."""
    g = torch.Generator().manual_seed(batch)
    c, s = cfg["in_channels"], cfg["input_size"]
    x = torch.randn(batch, c, s, s, generator=g)
    y = torch.arange(batch) % cfg["num_classes"]
    xx = torch.cat([x, x], 0)
    tt = torch.full((2 * batch,), 500.0)
    yy = torch.cat([y, torch.full_like(y, cfg["num_classes"])], 0)

    def step():
        out = model(xx, tt, yy)[:, :c]
        cond, uncond = out[:batch], out[batch:]
        return uncond + guidance * (cond - uncond)
    return step


def time_step(step, seconds, min_reps=3, max_reps=200):
    """Median and best wall time, CPU time per step (all threads, warm-up included), reps."""
    cpu0 = time.process_time()
    step()  # warm up
    ts = []
    start = time.perf_counter()
    while len(ts) < min_reps or (time.perf_counter() - start < seconds and len(ts) < max_reps):
        t0 = time.perf_counter()
        step()
        ts.append(time.perf_counter() - t0)
    cpu = (time.process_time() - cpu0) / (len(ts) + 1)
    ts.sort()
    return ts[len(ts) // 2], ts[0], cpu, len(ts)


def main():
    args = parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    cfg, model = load(args.dir)
    name = args.model or args.dir
    for prec in [s.strip() for s in args.precision.split(",") if s.strip()]:
        if prec not in ("f32", "bf16"):
            raise SystemExit("unknown --precision %r (have f32, bf16)" % prec)
        for batch in [int(s) for s in args.batch.split(",") if s]:
            step = step_fn(model, cfg, batch)
            path = "torch-%s-omp-%s" % (torch.__version__, args.omp_wait)
            with torch.inference_mode():
                if prec == "bf16":
                    try:
                        ctx = torch.autocast("cpu", dtype=torch.bfloat16)
                        with ctx:
                            med, best, cpu, reps = time_step(step, args.seconds)
                        path += "-autocast-bf16"
                    except Exception as e:  # an older torch without CPU autocast
                        print("bf16 autocast unavailable: %s" % e, file=sys.stderr)
                        continue
                else:
                    med, best, cpu, reps = time_step(step, args.seconds)
            print(json.dumps({"op": "dit_step", "model": name, "batch": batch, "precision": prec,
                              "threads": threads, "path": path, "cfg": True,
                              "seconds": med, "best": best, "steps_per_s": 1 / med,
                              "cpu_seconds": cpu, "reps": reps}), flush=True)


if __name__ == "__main__":
    main()
