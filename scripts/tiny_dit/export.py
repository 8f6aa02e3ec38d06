#!/usr/bin/env python3
"""Write the tiny DiT's golden file and sample grid from model/tiny/dit.

    /usr/bin/python3 scripts/tiny_dit/export.py [--dir model/tiny/dit]

Reads config.json and model.safetensors and writes:

golden.safetensors (all f32 unless noted; computed in f32 on the CPU):
  forward.x         [2,1,32,32]  input image
  forward.t         [2]          flow time t in [0,1]
  forward.timestep  [2]          what t_embedder gets: t * 1000
  forward.y         [2]  I32     labels; the second is the null class (10)
  forward.t_emb     [2,D]        t_embedder output
  forward.c         [2,D]        t_emb + y_embedder output
  forward.embed     [2,T,D]      x_embedder(x) + pos_embed
  forward.block{i}  [2,T,D]      output of blocks.{i}
  forward.out       [2,1,32,32]  model output (velocity), no guidance
  sample.y          [4]  I32     labels
  sample.noise      [4,1,32,32]  initial x at t = 1
  sample.t          [9]          the Euler time grid 1, 7/8, ..., 0 (f32)
  sample.traj       [9,4,1,32,32] x after 0..8 Euler steps (traj[0] = noise)
  sample.out        [4,1,32,32]  final image in [-1,1] (unclamped) = traj[8]
The sampler is 8 Euler steps with classifier-free guidance 2.0, see
dit.euler_sample: v = v_u + 2*(v_c - v_u), x += (t_{i+1} - t_i) * v.

samples.png: 10 rows (classes 0-9) x 8 columns (seeds), 16 Euler steps, CFG 2.5.
"""

import os

# Sleep rather than spin when an OpenMP thread waits: on a shared, oversubscribed
# machine spinning workers starve the ones doing the work (many times slower).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import json
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dit  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

GRID_STEPS = 16
GRID_CFG = 2.5
GRID_SEEDS = 8
GOLDEN_STEPS = 8
GOLDEN_CFG = 2.0


def write_model(model, cfg, out):
    """config.json + model.safetensors (f32, every state-dict tensor incl. pos_embed)."""
    sd = {k: v.float() for k, v in model.state_dict().items()}
    dit.save_safetensors(os.path.join(out, "model.safetensors"), sd,
                         {"format": "pt", "model": "pare tiny DiT"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")


def load(d):
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    sd, _ = dit.load_safetensors(os.path.join(d, "model.safetensors"))
    model = dit.build(cfg)
    model.load_state_dict(sd, strict=True)
    return model.eval(), cfg


def to_u8(x):
    return ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()


@torch.no_grad()
def sample_grid(model, cfg, path, seed=1234):
    was = model.training
    model.eval()
    nc = cfg["num_classes"]
    s = cfg["input_size"]
    gen = torch.Generator().manual_seed(seed)
    noise = torch.randn(GRID_SEEDS, cfg["in_channels"], s, s, generator=gen)
    noise = noise.repeat(nc, 1, 1, 1)  # the same 8 noises in every row
    y = torch.arange(nc).repeat_interleave(GRID_SEEDS)
    x = dit.euler_sample(model, noise, y, GRID_STEPS, GRID_CFG, cfg["null_class"])
    imgs = to_u8(x)  # [N, C, H, W]
    gap = 2
    H = nc * (s + gap) + gap
    W = GRID_SEEDS * (s + gap) + gap
    canvas = np.full((H, W), 60, dtype=np.uint8)
    for r in range(nc):
        for c in range(GRID_SEEDS):
            im = imgs[r * GRID_SEEDS + c]
            im = im[0] if im.shape[0] == 1 else im.mean(0).astype(np.uint8)
            canvas[gap + r * (s + gap):gap + r * (s + gap) + s,
                   gap + c * (s + gap):gap + c * (s + gap) + s] = im
    Image.fromarray(canvas).resize((W * 3, H * 3), Image.NEAREST).save(path, optimize=True)
    model.train(was)


@torch.no_grad()
def golden(model, cfg, path):
    s, C = cfg["input_size"], cfg["in_channels"]
    null = cfg["null_class"]
    gen = torch.Generator().manual_seed(7)
    g = {}
    x = torch.randn(2, C, s, s, generator=gen)
    t = torch.tensor([0.3, 0.85], dtype=torch.float32)
    ts = t * 1000.0
    y = torch.tensor([3, null], dtype=torch.long)
    trace = {}
    out = model(x, ts, y, trace=trace)
    g["forward.x"] = x
    g["forward.t"] = t
    g["forward.timestep"] = ts
    g["forward.y"] = y.int()
    g["forward.out"] = out
    for k, v in trace.items():
        g["forward." + k] = v

    ys = torch.tensor([0, 3, 7, 9], dtype=torch.long)
    noise = torch.randn(len(ys), C, s, s, generator=gen)
    traj = []
    xs = dit.euler_sample(model, noise, ys, GOLDEN_STEPS, GOLDEN_CFG, null, trajectory=traj)
    g["sample.y"] = ys.int()
    g["sample.noise"] = noise
    g["sample.t"] = torch.tensor([1.0 - i / GOLDEN_STEPS for i in range(GOLDEN_STEPS + 1)],
                                 dtype=torch.float32)
    g["sample.traj"] = torch.stack(traj)
    g["sample.out"] = xs
    meta = {
        "forward": "out = model(x, timestep=t*1000, y) in f32; y=%d is the null class" % null,
        "sample": "Euler, %d steps, t_i = 1 - i/%d, cfg %.1f: v = v_u + cfg*(v_c - v_u), "
                  "x_{i+1} = x_i + (t_{i+1} - t_i)*v, model fed t_i*1000; "
                  "cond and uncond in one batch [cond; uncond]" % (GOLDEN_STEPS, GOLDEN_STEPS, GOLDEN_CFG),
        "torch": torch.__version__,
    }
    dit.save_safetensors(path, {k: v.contiguous() for k, v in g.items()}, meta)


def export_all(d):
    torch.manual_seed(0)
    model, cfg = load(d)
    golden(model, cfg, os.path.join(d, "golden.safetensors"))
    sample_grid(model, cfg, os.path.join(d, "samples.png"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.join(REPO, "model", "tiny", "dit"))
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    export_all(args.dir)


if __name__ == "__main__":
    main()
