#!/usr/bin/env python3
"""Golden SSIM/PSNR values for pare's tmp metrics, from scikit-image.

Writes small 8-bit PNG pairs (grey and RGB: smooth gradients, noise and a
shifted copy) and ssim_golden.json with
structural_similarity(gaussian_weights=True, sigma=1.5,
use_sample_covariance=False, data_range=255[, channel_axis=-1]) and
peak_signal_noise_ratio(data_range=255) for each pair.

    /usr/bin/python3 tmp/testdata/ssim_golden.py   (from the repository root)
"""
import json
import os

import numpy as np
from PIL import Image
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(1234)


def smooth(h, w, c):
    y, x = np.mgrid[0:h, 0:w]
    base = 128 + 60 * np.sin(x / 5.0) * np.cos(y / 7.0)
    img = np.stack([base + 20 * k for k in range(c)], axis=-1)
    return np.clip(img, 0, 255).astype(np.uint8)


cases = []
for name, (h, w, c) in {"grey32": (32, 32, 1), "rgb32": (32, 32, 3), "grey28x40": (28, 40, 1)}.items():
    a = smooth(h, w, c)
    noisy = np.clip(a.astype(int) + rng.integers(-25, 26, a.shape), 0, 255).astype(np.uint8)
    shifted = np.roll(a, 2, axis=1)
    for variant, b in (("noise", noisy), ("shift", shifted), ("same", a.copy())):
        fa, fb = f"{name}_a.png", f"{name}_{variant}.png"
        for fn, im in ((fa, a), (fb, b)):
            Image.fromarray(im[..., 0] if c == 1 else im).save(os.path.join(here, fn))
        kw = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255)
        if c == 1:
            ssim = structural_similarity(a[..., 0], b[..., 0], **kw)
        else:
            ssim = structural_similarity(a, b, channel_axis=-1, **kw)
        psnr = peak_signal_noise_ratio(a, b, data_range=255) if variant != "same" else None
        cases.append({"a": fa, "b": fb, "ssim": float(ssim), "psnr": psnr})

with open(os.path.join(here, "ssim_golden.json"), "w") as f:
    json.dump({"cases": cases}, f, indent=1)
print(len(cases), "cases")
