"""A small class-conditional diffusion transformer in the layout of DiT.

The module tree and parameter names follow the original DiT (Peebles & Xie,
"Scalable Diffusion Models with Transformers", facebookresearch/DiT
models.py, with timm's PatchEmbed/Attention/Mlp), so a state dict of a real
DiT checkpoint maps onto the same names 1:1:

    x_embedder.proj.{weight,bias}           Conv2d(C, D, k=p, stride=p)
    pos_embed                               [1, T, D] fixed 2D sin-cos (stored)
    t_embedder.mlp.{0,2}.{weight,bias}      Linear(256, D), SiLU, Linear(D, D)
    y_embedder.embedding_table.weight       [num_classes + 1, D], last row = null class
    blocks.{i}.attn.qkv.{weight,bias}       Linear(D, 3D)
    blocks.{i}.attn.proj.{weight,bias}      Linear(D, D)
    blocks.{i}.mlp.fc1.{weight,bias}        Linear(D, mlp_ratio*D), GELU(tanh)
    blocks.{i}.mlp.fc2.{weight,bias}        Linear(mlp_ratio*D, D)
    blocks.{i}.adaLN_modulation.1.{weight,bias}       SiLU, Linear(D, 6D)
    final_layer.adaLN_modulation.1.{weight,bias}      SiLU, Linear(D, 2D)
    final_layer.linear.{weight,bias}        Linear(D, p*p*C_out)

norm1, norm2 and final_layer.norm_final are LayerNorm(D, eps=1e-6) without
affine parameters. Only plain torch is used (no timm), and everything here is
written so that a straightforward reimplementation (pare's Go model/dit)
reproduces it operation by operation.
"""

import json
import math
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FREQ_DIM = 256  # size of the sinusoidal timestep embedding fed to t_embedder


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


def timestep_embedding(t, dim=FREQ_DIM, max_period=10000):
    """[cos(t*f_k) for k<dim/2] ++ [sin(t*f_k)], f_k = exp(-ln(max_period)*k/(dim/2)).

    t is the model timestep (for this model t_flow * 1000), possibly fractional.
    """
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) *
                      torch.arange(0, half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def sincos_1d(dim, pos):
    omega = np.arange(dim // 2, dtype=np.float64) / (dim / 2.0)
    omega = 1.0 / 10000 ** omega
    out = np.einsum("m,d->md", pos.reshape(-1).astype(np.float64), omega)
    return np.concatenate([np.sin(out), np.cos(out)], axis=1)


def sincos_2d(dim, grid):
    """DiT/MAE 2D sin-cos position table, [grid*grid, dim], computed in f64.

    Token n = row*grid + col gets [sincos_1d(dim/2, col), sincos_1d(dim/2, row)]
    (MAE's meshgrid puts the column coordinate first).
    """
    g = np.arange(grid, dtype=np.float32)
    gw, gh = np.meshgrid(g, g)  # gw[r, c] = c, gh[r, c] = r
    return np.concatenate([sincos_1d(dim // 2, gw), sincos_1d(dim // 2, gh)], axis=1)


class PatchEmbed(nn.Module):
    def __init__(self, in_ch, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(in_ch, dim, kernel_size=patch, stride=patch, bias=True)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # (N, T, D), row-major tokens


class TimestepEmbedder(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(FREQ_DIM, dim), nn.SiLU(), nn.Linear(dim, dim))

    def forward(self, t):
        return self.mlp(timestep_embedding(t))


class LabelEmbedder(nn.Module):
    def __init__(self, num_classes, dim, dropout_prob):
        super().__init__()
        self.embedding_table = nn.Embedding(num_classes + 1, dim)
        self.num_classes = num_classes
        self.dropout_prob = dropout_prob

    def forward(self, y, train, gen=None):
        if train and self.dropout_prob > 0:
            drop = torch.rand(y.shape[0], generator=gen) < self.dropout_prob
            y = torch.where(drop, torch.full_like(y, self.num_classes), y)
        return self.embedding_table(y)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        # qkv features are laid out [3][heads][head_dim] (timm order).
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
        shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = \
            self.adaLN_modulation(c).chunk(6, dim=1)
        x = x + gate_msa.unsqueeze(1) * self.attn(modulate(self.norm1(x), shift_msa, scale_msa))
        x = x + gate_mlp.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift_mlp, scale_mlp))
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
    def __init__(self, input_size=32, patch_size=4, in_channels=1, hidden_size=128,
                 depth=6, num_heads=4, mlp_ratio=4.0, class_dropout_prob=0.1,
                 num_classes=10):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = in_channels  # learn_sigma = False
        self.patch_size = patch_size
        self.grid = input_size // patch_size
        self.x_embedder = PatchEmbed(in_channels, hidden_size, patch_size)
        self.t_embedder = TimestepEmbedder(hidden_size)
        self.y_embedder = LabelEmbedder(num_classes, hidden_size, class_dropout_prob)
        self.pos_embed = nn.Parameter(torch.zeros(1, self.grid * self.grid, hidden_size),
                                      requires_grad=False)
        self.blocks = nn.ModuleList([DiTBlock(hidden_size, num_heads, mlp_ratio)
                                     for _ in range(depth)])
        self.final_layer = FinalLayer(hidden_size, patch_size, self.out_channels)
        self.initialize_weights()

    def initialize_weights(self):
        # adaLN-Zero initialisation as in DiT.
        def basic(m):
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
        self.apply(basic)
        pe = sincos_2d(self.pos_embed.shape[-1], self.grid)
        self.pos_embed.data.copy_(torch.from_numpy(pe).float().unsqueeze(0))
        w = self.x_embedder.proj.weight.data
        nn.init.xavier_uniform_(w.view([w.shape[0], -1]))
        nn.init.zeros_(self.x_embedder.proj.bias)
        nn.init.normal_(self.y_embedder.embedding_table.weight, std=0.02)
        nn.init.normal_(self.t_embedder.mlp[0].weight, std=0.02)
        nn.init.normal_(self.t_embedder.mlp[2].weight, std=0.02)
        for b in self.blocks:
            nn.init.zeros_(b.adaLN_modulation[-1].weight)
            nn.init.zeros_(b.adaLN_modulation[-1].bias)
        nn.init.zeros_(self.final_layer.adaLN_modulation[-1].weight)
        nn.init.zeros_(self.final_layer.adaLN_modulation[-1].bias)
        nn.init.zeros_(self.final_layer.linear.weight)
        nn.init.zeros_(self.final_layer.linear.bias)

    def unpatchify(self, x):
        # (N, T, p*p*C) -> (N, C, H, W); each token's features are laid out [p][p][C].
        c, p, h = self.out_channels, self.patch_size, self.grid
        x = x.reshape(x.shape[0], h, h, p, p, c)
        x = torch.einsum("nhwpqc->nchpwq", x)
        return x.reshape(x.shape[0], c, h * p, h * p)

    def forward(self, x, t, y, train=False, gen=None, trace=None):
        """x: (N, C, H, W); t: (N,) model timesteps (t_flow*1000); y: (N,) labels,
        num_classes = null class. trace, if a dict, receives intermediates."""
        x = self.x_embedder(x) + self.pos_embed
        temb = self.t_embedder(t)
        c = temb + self.y_embedder(y, train, gen)
        if trace is not None:
            trace["embed"] = x
            trace["t_emb"] = temb
            trace["c"] = c
        for i, block in enumerate(self.blocks):
            x = block(x, c)
            if trace is not None:
                trace["block%d" % i] = x
        x = self.final_layer(x, c)
        return self.unpatchify(x)


# ---------------------------------------------------------------------------
# Rectified flow sampling.

def velocity_cfg(model, x, t_flow, y, cfg_scale, null_class):
    """Guided velocity: v_u + s*(v_c - v_u), one batched forward [cond; uncond]."""
    n = x.shape[0]
    xx = torch.cat([x, x], 0)
    tt = torch.full((2 * n,), float(t_flow) * 1000.0, dtype=torch.float32)
    yy = torch.cat([y, torch.full_like(y, null_class)], 0)
    out = model(xx, tt, yy)
    v_c, v_u = out[:n], out[n:]
    if cfg_scale == 1.0:
        return v_c
    return v_u + cfg_scale * (v_c - v_u)


@torch.no_grad()
def euler_sample(model, noise, y, steps, cfg_scale, null_class, trajectory=None):
    """Euler on dx/dt = v from t=1 (noise) to t=0 (data), uniform grid t_i = 1 - i/steps.

    x_{i+1} = x_i + (t_{i+1} - t_i) * v(x_i, t_i), with t_i as f32 and the model
    fed t_i * 1000. Returns x at t = 0 in [-1, 1] (unclamped).
    """
    x = noise.clone()
    ts = [1.0 - i / steps for i in range(steps + 1)]
    if trajectory is not None:
        trajectory.append(x.clone())
    for i in range(steps):
        t0 = np.float32(ts[i])
        t1 = np.float32(ts[i + 1])
        v = velocity_cfg(model, x, t0, y, cfg_scale, null_class)
        x = x + float(t1 - t0) * v
        if trajectory is not None:
            trajectory.append(x.clone())
    return x


# ---------------------------------------------------------------------------
# safetensors, written by hand.

_DT = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
       torch.int32: "I32", torch.int64: "I64"}
_DT_INV = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
           "I32": torch.int32, "I64": torch.int64}


def save_safetensors(path, tensors, metadata=None):
    """8-byte LE header length, JSON header padded with spaces to a multiple of 8,
    then the tensors' little-endian bytes in sorted-name order."""
    header = {}
    blobs = []
    off = 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        b = t.view(torch.uint8).numpy().tobytes() if t.dim() > 0 else t.reshape(1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": _DT[t.dtype], "shape": list(t.shape),
                        "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, info in header.items():
        a, b = info["data_offsets"]
        buf = bytearray(data[base + a:base + b])
        t = torch.frombuffer(buf, dtype=_DT_INV[info["dtype"]]) if b > a else \
            torch.zeros(0, dtype=_DT_INV[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return out, meta


def build(cfg):
    return DiT(input_size=cfg["input_size"], patch_size=cfg["patch_size"],
               in_channels=cfg["in_channels"], hidden_size=cfg["hidden_size"],
               depth=cfg["depth"], num_heads=cfg["num_heads"], mlp_ratio=cfg["mlp_ratio"],
               class_dropout_prob=cfg.get("class_dropout_prob", 0.1),
               num_classes=cfg["num_classes"])
