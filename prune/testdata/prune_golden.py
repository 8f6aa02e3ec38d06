#!/usr/bin/env python3
"""Writes prune_golden.json: small Linear layers pruned by PyTorch
transcriptions of Wanda and SparseGPT, for prune/golden_test.go.

The functions below restate the reference steps (locuslab/wanda
lib/layerwrapper.py WrappedGPT.add_batch and lib/prune.py prune_wanda;
IST-DASLab/sparsegpt sparsegpt.py SparseGPT.add_batch and fasterprune),
so only torch is needed. Where pare chooses differently, this script
follows pare, so the goldens check pare's algorithm, and says so:

  * H is accumulated and factored in float64 (the reference: float32);
    Hinv is then rounded to float32 and the sweep runs in float32.
  * SparseGPT's unstructured mask takes exactly the int(numel*s) smallest
    scores of a block (stable sort, row-major ties); the reference masks
    every score <= the int(numel*s)-th, one more per block.
  * Magnitude prunes each row alike (like Wanda), not by one layer-wide
    threshold.

Run from anywhere:  /usr/bin/python3 prune/testdata/prune_golden.py
The output is deterministic (fixed seed, one thread). Go tests read the
JSON and never need torch.
"""
import json
import math
import os

import torch

torch.manual_seed(0)
torch.set_num_threads(1)
f32, f64 = torch.float32, torch.float64


def calib(samples, seqlen, cols, dead=()):
    """Inputs with a few dominant directions and uneven column scales."""
    basis = torch.randn(4, cols, dtype=f64)
    scale = torch.exp(1.2 * torch.randn(cols, dtype=f64))
    z = torch.randn(samples, seqlen, 4, dtype=f64) * torch.tensor([4., 3., 2., 1.], dtype=f64)
    x = (z @ basis + 0.3 * torch.randn(samples, seqlen, cols, dtype=f64)) * scale
    x = x.to(f32)
    for j in dead:
        x[:, :, j] = 0
    return x


# Wanda: WrappedGPT.add_batch, one sample per forward pass.
def wanda_scaler_row(xs):
    cols = xs.shape[-1]
    scaler_row = torch.zeros(cols, dtype=f64)  # pare: float64
    nsamples = 0
    for inp in xs:  # inp [seqlen, cols], batch of one
        inp = inp.unsqueeze(0)
        tmp = inp.shape[0]
        inp = inp.reshape((-1, cols)).t().to(f64)
        scaler_row *= nsamples / (nsamples + tmp)
        nsamples += tmp
        scaler_row += torch.norm(inp, p=2, dim=1) ** 2 / nsamples
    return scaler_row


def wanda(W, xs, sparsity, prune_n=0, prune_m=0):
    scaler = wanda_scaler_row(xs)
    W_metric = torch.abs(W) * torch.sqrt(scaler).to(f32).reshape((1, -1))
    return row_mask(W_metric, sparsity, prune_n, prune_m)


def magnitude(W, sparsity, prune_n=0, prune_m=0):
    return row_mask(torch.abs(W), sparsity, prune_n, prune_m)


def row_mask(W_metric, sparsity, prune_n, prune_m):
    W_mask = torch.zeros_like(W_metric) == 1
    if prune_n != 0:
        for ii in range(W_metric.shape[1]):
            if ii % prune_m == 0:
                tmp = W_metric[:, ii:(ii + prune_m)].float()
                W_mask.scatter_(1, ii + torch.topk(tmp, prune_n, dim=1, largest=False)[1], True)
    else:
        sort_res = torch.sort(W_metric, dim=-1, stable=True)
        indices = sort_res[1][:, :int(W_metric.shape[1] * sparsity)]
        W_mask.scatter_(1, indices, True)
    return W_mask


# SparseGPT: add_batch and fasterprune.
def sparsegpt_hessian(xs):
    cols = xs.shape[-1]
    H = torch.zeros((cols, cols), dtype=f64)  # pare: float64
    nsamples = 0
    for inp in xs:
        inp = inp.unsqueeze(0)
        tmp = inp.shape[0]
        inp = inp.reshape((-1, cols)).t()
        H *= nsamples / (nsamples + tmp)
        nsamples += tmp
        inp = math.sqrt(2 / nsamples) * inp.to(f64)
        H += inp.matmul(inp.t())
    return H


def sparsegpt(W, H, sparsity, prune_n=0, prune_m=0, blocksize=128, percdamp=.01):
    W = W.clone().float()
    rows, columns = W.shape
    H = H.clone()
    dead = torch.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0

    damp = percdamp * torch.mean(torch.diag(H))
    diag = torch.arange(columns)
    H[diag, diag] += damp
    H = torch.linalg.cholesky(H)
    H = torch.cholesky_inverse(H)
    H = torch.linalg.cholesky(H, upper=True)
    Hinv = H.to(f32)  # pare: factored in float64, swept in float32

    mask = torch.zeros_like(W) == 1
    losses = torch.zeros(rows, dtype=f64)
    for i1 in range(0, columns, blocksize):
        i2 = min(i1 + blocksize, columns)
        count = i2 - i1

        W1 = W[:, i1:i2].clone()
        Q1 = torch.zeros_like(W1)
        Err1 = torch.zeros_like(W1)
        Hinv1 = Hinv[i1:i2, i1:i2]

        if prune_n == 0:
            tmp = W1 ** 2 / (torch.diag(Hinv1).reshape((1, -1))) ** 2
            # pare: exactly the int(numel*s) smallest (reference: tmp <= thresh)
            order = torch.sort(tmp.flatten(), stable=True)[1]
            mask1 = torch.zeros(tmp.numel(), dtype=torch.bool)
            mask1[order[:int(tmp.numel() * sparsity)]] = True
            mask1 = mask1.reshape(tmp.shape)
        else:
            mask1 = torch.zeros_like(W1) == 1

        for i in range(count):
            w = W1[:, i]
            d = Hinv1[i, i]

            if prune_n != 0 and i % prune_m == 0:
                tmp = W1[:, i:(i + prune_m)] ** 2 / (torch.diag(Hinv1)[i:(i + prune_m)].reshape((1, -1))) ** 2
                mask1.scatter_(1, i + torch.topk(tmp, prune_n, dim=1, largest=False)[1], True)

            q = w.clone()
            q[mask1[:, i]] = 0

            Q1[:, i] = q
            losses += ((w - q) ** 2 / d ** 2).to(f64)

            err1 = (w - q) / d
            W1[:, i:] -= err1.unsqueeze(1).matmul(Hinv1[i, i:].unsqueeze(0))
            Err1[:, i] = err1

        W[:, i1:i2] = Q1
        mask[:, i1:i2] = mask1
        W[:, i2:] -= Err1.matmul(Hinv[i1:i2, i2:])

    return W, mask, Hinv, float(damp), float(torch.sum(losses) / 2)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def indices(mask):
    return [int(i) for i in torch.nonzero(mask.reshape(-1)).reshape(-1).tolist()]


cases = []


def layer_case(name, rows, cols, samples, seqlen, sparsity=0.0, prune_n=0, prune_m=0,
               blocksize=128, dead=()):
    xs = calib(samples, seqlen, cols, dead)
    W = torch.randn(rows, cols, dtype=f32)
    H = sparsegpt_hessian(xs)
    Ws, ms, Hinv, damp, loss = sparsegpt(W, H, sparsity, prune_n, prune_m, blocksize)
    cases.append({
        "name": name,
        "rows": rows, "cols": cols, "samples": samples, "seqlen": seqlen,
        "sparsity": sparsity, "n": prune_n, "m": prune_m, "blocksize": blocksize,
        "x": flat(xs), "w": flat(W),
        "scaler_row": flat(wanda_scaler_row(xs)),
        "wanda_mask": indices(wanda(W, xs, sparsity, prune_n, prune_m)),
        "magnitude_mask": indices(magnitude(W, sparsity, prune_n, prune_m)),
        "hessian": flat(H) if not cases else [],  # first case only
        "hinv": flat(Hinv), "damp": damp,
        "sparsegpt_w": flat(Ws), "sparsegpt_mask": indices(ms), "sparsegpt_loss": loss,
    })


layer_case("unstructured50", 16, 64, 3, 20, sparsity=0.5, blocksize=32)
layer_case("unstructured30", 12, 40, 2, 30, sparsity=0.3, blocksize=128)
layer_case("unstructured70_dead", 10, 48, 4, 12, sparsity=0.7, blocksize=16, dead=(5, 30))
layer_case("nm2_4", 16, 64, 3, 20, prune_n=2, prune_m=4, blocksize=32)
layer_case("nm4_8_dead", 8, 64, 2, 25, prune_n=4, prune_m=8, blocksize=16, dead=(9,))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "prune_golden.json")
with open(path, "w") as f:
    json.dump({"cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print("wrote", path, len(cases), "cases")
