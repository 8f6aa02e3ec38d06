#!/usr/bin/env python3
"""Train pare's tiny class-conditional DiT on the font-digits data set.

Rectified flow (as SD3/FLUX): x_t = (1 - t) x0 + t eps, the model predicts
v = eps - x0, t ~ uniform(0, 1) (or logit-normal(0, 1) with --t-sampling),
the model is fed t * 1000. AdamW with
a linear warm-up and cosine decay, EMA of the weights (the EMA is what is
saved), label dropout 0.1 for classifier-free guidance. Fixed seed and a
fixed number of steps, so a run is reproducible on the same machine/torch.

    /usr/bin/python3 scripts/tiny_dit/train.py [--threads 2] [--steps N] \
        [--work DIR] [--out model/tiny/dit]

DIR (default .cache/tiny_dit, git-ignored) holds the generated data set,
checkpoints and intermediate sample grids. At the end the script writes
config.json and model.safetensors to --out and runs export.py (golden file
and sample grid).
"""

import os

# Sleep rather than spin when an OpenMP thread waits: on a shared, oversubscribed
# machine spinning workers starve the ones doing the work (many times slower).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import copy
import json
import math
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dit  # noqa: E402
import export  # noqa: E402
import make_data  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

CONFIG = {
    "architecture": "DiT",
    "input_size": 32,
    "in_channels": 1,
    "out_channels": 1,
    "patch_size": 4,
    "hidden_size": 128,
    "depth": 6,
    "num_heads": 4,
    "mlp_ratio": 4.0,
    "num_classes": 10,
    "class_labels": make_data.CLASS_LABELS,
    "null_class": 10,
    "class_dropout_prob": 0.1,
    "learn_sigma": False,
    "frequency_embedding_size": dit.FREQ_DIM,
    "layer_norm_eps": 1e-6,
    "mlp_activation": "gelu_tanh",
    "pos_embed": "stored",
    "objective": "rectified_flow",
    "prediction": "velocity",
    "timestep_scale": 1000.0,
    "data_range": [-1.0, 1.0],
    "dtype": "float32",
}


def log(f, msg):
    print(msg, flush=True)
    f.write(msg + "\n")
    f.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=4800)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--ema", type=float, default=0.999, help="EMA decay cap")
    ap.add_argument("--t-sampling", choices=["uniform", "logit_normal"], default="uniform")
    ap.add_argument("--per-class", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default=os.path.join(REPO, ".cache", "tiny_dit"))
    ap.add_argument("--out", default=os.path.join(REPO, "model", "tiny", "dit"))
    ap.add_argument("--preview-every", type=int, default=1200)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    logf = open(os.path.join(args.work, "train.log"), "a")
    log(logf, "args %s" % json.dumps(vars(args)))

    data_path = os.path.join(args.work, "data_%d.npz" % args.per_class)
    if not os.path.exists(data_path):
        t0 = time.time()
        images, labels = make_data.make(args.per_class, make_data.DEFAULT_SEED)
        np.savez_compressed(data_path, images=images, labels=labels)
        make_data.preview(images, labels, os.path.join(args.work, "data.png"))
        log(logf, "rendered %d images in %.0fs" % (len(labels), time.time() - t0))
    d = np.load(data_path)
    x_all = torch.from_numpy(d["images"]).float().div(127.5).sub(1.0).unsqueeze(1)
    y_all = torch.from_numpy(d["labels"]).long()
    n = len(y_all)

    cfg = dict(CONFIG)
    cfg["train"] = {"steps": args.steps, "batch": args.batch, "lr": args.lr,
                    "warmup": args.warmup, "ema_cap": args.ema, "seed": args.seed,
                    "images": n, "optimizer": "AdamW(betas=(0.9,0.999), wd=0)",
                    "t_sampling": args.t_sampling}
    model = dit.build(cfg)
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    nparams = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log(logf, "trainable parameters %d (+ pos_embed %d)" % (nparams, model.pos_embed.numel()))

    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, betas=(0.9, 0.999), weight_decay=0.0)

    def lr_at(step):
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        p = (step - args.warmup) / max(1, args.steps - args.warmup)
        return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))

    gen = torch.Generator().manual_seed(args.seed)
    perm = torch.randperm(n, generator=gen)
    pos = 0
    t_start = time.time()
    cpu_start = time.process_time()
    run_loss = 0.0
    model.train()
    for step in range(args.steps):
        if pos + args.batch > n:
            perm = torch.randperm(n, generator=gen)
            pos = 0
        idx = perm[pos:pos + args.batch]
        pos += args.batch
        x0 = x_all[idx]
        y = y_all[idx]
        eps = torch.randn(x0.shape, generator=gen)
        if args.t_sampling == "uniform":
            t = torch.rand(x0.shape[0], generator=gen)
        else:
            t = torch.sigmoid(torch.randn(x0.shape[0], generator=gen))
        tb = t.view(-1, 1, 1, 1)
        xt = (1 - tb) * x0 + tb * eps
        v = model(xt, t * 1000.0, y, train=True, gen=gen)
        loss = (v - (eps - x0)).pow(2).mean()
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        decay = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                if pm.requires_grad:
                    pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)
        run_loss += loss.item()
        if (step + 1) % 25 == 0:
            el = time.time() - t_start
            log(logf, "step %d loss %.4f lr %.2e elapsed %.0fs (%.2fs/step)" % (
                step + 1, run_loss / 25, lr_at(step), el, el / (step + 1)))
            run_loss = 0.0
        if args.preview_every and (step + 1) % args.preview_every == 0 and step + 1 < args.steps:
            export.sample_grid(ema, cfg, os.path.join(args.work, "samples_%05d.png" % (step + 1)))
            torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "step": step + 1},
                       os.path.join(args.work, "ckpt.pt"))
    train_s = time.time() - t_start
    cpu_s = time.process_time() - cpu_start
    log(logf, "trained %d steps in %.0fs wall, %.0f CPU-seconds" % (args.steps, train_s, cpu_s))
    cfg["train"]["seconds"] = round(train_s)
    cfg["train"]["cpu_seconds"] = round(cpu_s)
    cfg["train"]["threads"] = args.threads
    torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "step": args.steps},
               os.path.join(args.work, "ckpt.pt"))

    export.write_model(ema, cfg, args.out)
    export.export_all(args.out)
    log(logf, "wrote %s" % args.out)


if __name__ == "__main__":
    main()
