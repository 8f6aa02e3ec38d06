#!/usr/bin/env python3
"""Pruning peer for `pare bench prune`: the Wanda/SparseGPT block-by-block pipeline in PyTorch.

Loads the model pare measured (`pare bench prune --save-random DIR`, or the
tiny model's folder) and the calibration windows it wrote (--save-calib FILE),
then times each method the way the reference implementations (the Wanda and
SparseGPT repositories) run it on CPU, with float32 tensors:

  embed the windows; for each block: forward hooks on its Linears collect the
  statistics (Wanda's scaler_row, SparseGPT's running-average Hessian) while
  the dense block runs over the windows; each Linear is pruned (magnitude and
  Wanda: the lowest scores of every row, stable sort; SparseGPT: the
  reference's fasterprune with block size 128 and 1% damping, mask chosen
  per column block); the pruned block runs again and its outputs feed the
  next block.

As in pare, Linears that read the same input (q/k/v, gate/up) share one set of
statistics and one factorisation, and the windows go through a block in
batches of 8. Prints one JSON object per method:

    op, model, method, sparsity, nsamples, seqlen, threads, path, seconds,
    cpu_seconds (process CPU time, all threads)

    /usr/bin/python3 bench/peers/torch_prune.py --model DIR --calib FILE --threads 2
"""
import argparse
import json
import math
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see torch_llama.py

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_llama  # noqa: E402

LINEARS = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
           "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]
GROUP = {"self_attn.q_proj": "attn_in", "self_attn.k_proj": "attn_in", "self_attn.v_proj": "attn_in",
         "mlp.gate_proj": "mlp_in", "mlp.up_proj": "mlp_in"}


def group(name):
    return GROUP.get(name, name)


class WandaStats:
    """Wanda's WrappedGPT.add_batch: a running mean over samples of Σ_tokens x_j²."""

    def __init__(self, n):
        self.scaler_row = torch.zeros(n)
        self.nsamples = 0

    def add(self, inp, samples):
        inp = inp.reshape(-1, inp.shape[-1]).t().float()
        self.scaler_row *= self.nsamples / (self.nsamples + samples)
        self.nsamples += samples
        self.scaler_row += torch.norm(inp, p=2, dim=1) ** 2 / self.nsamples


class SparseGPTStats:
    """SparseGPT.add_batch: H = (2/N)·Σ x xᵀ as a float32 running average."""

    def __init__(self, n):
        self.H = torch.zeros(n, n)
        self.nsamples = 0

    def add(self, inp, samples):
        inp = inp.reshape(-1, inp.shape[-1]).t().float()
        self.H *= self.nsamples / (self.nsamples + samples)
        self.nsamples += samples
        inp = math.sqrt(2 / self.nsamples) * inp
        self.H += inp.matmul(inp.t())


def inverse_factor(H, percdamp=0.01):
    """The reference's Hinv: upper Cholesky factor of (H + damp·I)⁻¹, dead inputs set to 1."""
    H = H.clone()
    dead = torch.diag(H) == 0
    H[dead, dead] = 1
    damp = percdamp * torch.mean(torch.diag(H))
    H += damp * torch.eye(H.shape[0])
    H = torch.linalg.cholesky(H)
    H = torch.cholesky_inverse(H)
    return torch.linalg.cholesky(H, upper=True), dead


def fasterprune(W, Hinv, dead, sparsity, blocksize=128):
    """SparseGPT.fasterprune (unstructured), in place on W [out, in]."""
    W[:, dead] = 0
    cols = W.shape[1]
    for i1 in range(0, cols, blocksize):
        i2 = min(i1 + blocksize, cols)
        count = i2 - i1
        W1 = W[:, i1:i2].clone()
        Q1 = torch.zeros_like(W1)
        Err1 = torch.zeros_like(W1)
        Hinv1 = Hinv[i1:i2, i1:i2]
        tmp = W1 ** 2 / (torch.diag(Hinv1).reshape((1, -1))) ** 2
        thresh = torch.sort(tmp.flatten())[0][int(tmp.numel() * sparsity)]
        mask1 = tmp <= thresh
        for i in range(count):
            w = W1[:, i]
            d = Hinv1[i, i]
            q = w.clone()
            q[mask1[:, i]] = 0
            Q1[:, i] = q
            err1 = (w - q) / d
            W1[:, i:] -= err1.unsqueeze(1).matmul(Hinv1[i, i:].unsqueeze(0))
            Err1[:, i] = err1
        W[:, i1:i2] = Q1
        W[:, i2:] -= Err1.matmul(Hinv[i1:i2, i2:])


def prune_rows(W, score, sparsity):
    """Zero the int(in·sparsity) lowest scores of every row (stable sort, as Wanda)."""
    k = int(W.shape[1] * sparsity)
    idx = torch.sort(score, dim=-1, stable=True)[1][:, :k]
    W.scatter_(1, idx, 0)


def prune_model(m, method, windows, sparsity, batch=8):
    need_stats = method != "magnitude"
    T = len(windows[0]) if windows else 0
    x = None
    if need_stats:
        ids = torch.tensor(windows, dtype=torch.long)
        x = F.embedding(ids, m.w["model.embed_tokens.weight"])  # [N, T, hidden]
        cos, sin = m.rope(T)
        mask = m.causal(T)
    for i in range(m.layers):
        p = f"model.layers.{i}."
        stats = {}
        if need_stats:
            seen = set()
            cur = [0]

            def hook(name, inp):
                g = group(name)
                if g in seen:
                    return
                seen.add(g)
                if g not in stats:
                    n = inp.shape[-1]
                    stats[g] = WandaStats(n) if method == "wanda" else SparseGPTStats(n)
                stats[g].add(inp, cur[0])

            for s in range(0, x.shape[0], batch):
                seen.clear()
                cur[0] = min(batch, x.shape[0] - s)
                m.block(x[s:s + batch], i, cos, sin, mask, hooks=hook)
        factors = {}
        for name in LINEARS:
            W = m.w[p + name + ".weight"]
            if method == "magnitude":
                prune_rows(W, W.abs(), sparsity)
            elif method == "wanda":
                prune_rows(W, W.abs() * torch.sqrt(stats[group(name)].scaler_row.reshape((1, -1))), sparsity)
            else:
                g = group(name)
                if g not in factors:
                    factors[g] = inverse_factor(stats[g].H)
                Hinv, dead = factors[g]
                fasterprune(W, Hinv, dead, sparsity)
        if need_stats and i + 1 < m.layers:
            for s in range(0, x.shape[0], batch):
                x[s:s + batch] = m.block(x[s:s + batch], i, cos, sin, mask)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="Hugging Face folder (config.json, model.safetensors)")
    p.add_argument("--calib", required=True, help='calibration windows from pare bench prune --save-calib ({"windows": [[ids]]})')
    p.add_argument("--name", default="", help="model name to print (default: the folder's base name)")
    p.add_argument("--methods", default="magnitude,wanda,sparsegpt")
    p.add_argument("--sparsity", type=float, default=0.5)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    with open(args.calib) as f:
        windows = json.load(f)["windows"]
    name = args.name or os.path.basename(os.path.normpath(args.model))
    torch.set_num_threads(args.threads)
    path = "torch-" + torch.__version__.split("+")[0] + "-cpu-f32"
    for method in [s.strip() for s in args.methods.split(",") if s.strip()]:
        m = torch_llama.Llama(args.model)  # a fresh dense copy, not timed
        ws = windows if method != "magnitude" else []
        with torch.inference_mode():
            t0, c0 = time.perf_counter(), time.process_time()
            prune_model(m, method, ws, args.sparsity)
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(json.dumps({"op": "prune", "model": name, "method": method, "sparsity": args.sparsity,
                          "nsamples": len(ws), "seqlen": len(ws[0]) if ws else 0, "threads": args.threads,
                          "path": path, "seconds": secs, "cpu_seconds": cpu}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
