#!/usr/bin/env python3
"""Render the class-conditional "font digits" data set for pare's tiny DiT.

Ten classes, the digits 0-9, drawn as 32x32 grey images (white glyph on a
dark background) from the freely licensed fonts Debian installs under
/usr/share/fonts (see FONTS below and README.md for their licences), with
random scale, aspect, rotation, shift, stroke width and contrast. The same
seed gives the same images on the same PIL/FreeType versions.

    /usr/bin/python3 scripts/tiny_dit/make_data.py --out data.npz [--per-class 4000]

The .npz holds images (uint8 [N,32,32], 0 = background) and labels (uint8
[N]); train.py maps images to [-1, 1]. Use --preview to also write a PNG grid.
"""

import argparse
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_ROOT = "/usr/share/fonts/truetype"

# (directory, file) pairs. Licences: DejaVu = Bitstream Vera licence (DejaVu
# changes public domain); Liberation = SIL OFL 1.1; Lato = SIL OFL 1.1;
# cmr10/cmmi10 = BaKoMa Computer Modern (free use, see README.md). Only
# rendered bitmaps are derived from them; no font file is redistributed.
FONTS = [
    ("dejavu", f)
    for f in [
        "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique.ttf", "DejaVuSans-ExtraLight.ttf",
        "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf",
        "DejaVuSansCondensed-Oblique.ttf", "DejaVuSansCondensed-BoldOblique.ttf",
        "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf",
        "DejaVuSansMono-Oblique.ttf", "DejaVuSansMono-BoldOblique.ttf",
        "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf",
        "DejaVuSerif-BoldItalic.ttf", "DejaVuSerifCondensed.ttf",
        "DejaVuSerifCondensed-Bold.ttf", "DejaVuSerifCondensed-Italic.ttf",
        "DejaVuSerifCondensed-BoldItalic.ttf", "DejaVuMathTeXGyre.ttf",
    ]
] + [
    ("liberation2", f)
    for f in [
        "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
        "LiberationSans-Italic.ttf", "LiberationSans-BoldItalic.ttf",
        "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
        "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf",
        "LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf",
        "LiberationMono-Italic.ttf", "LiberationMono-BoldItalic.ttf",
    ]
] + [
    ("lato", f)
    for f in [
        "Lato-Hairline.ttf", "Lato-HairlineItalic.ttf", "Lato-Thin.ttf",
        "Lato-ThinItalic.ttf", "Lato-Light.ttf", "Lato-LightItalic.ttf",
        "Lato-Regular.ttf", "Lato-Italic.ttf", "Lato-Medium.ttf",
        "Lato-MediumItalic.ttf", "Lato-Semibold.ttf", "Lato-SemiboldItalic.ttf",
        "Lato-Bold.ttf", "Lato-BoldItalic.ttf", "Lato-Heavy.ttf",
        "Lato-HeavyItalic.ttf", "Lato-Black.ttf", "Lato-BlackItalic.ttf",
    ]
] + [
    ("lyx", "cmr10.ttf"),   # Computer Modern Roman
    ("lyx", "cmmi10.ttf"),  # Computer Modern Math Italic: old-style figures
]

CLASS_LABELS = [str(d) for d in range(10)]

SIZE = 32          # output side in pixels
SS = 4             # supersampling factor of the drawing canvas
FONT_PX = 120      # font size used to draw a glyph before it is scaled
DEFAULT_SEED = 20240607


def is_thin(name):
    return any(k in name for k in ("Hairline", "Thin", "ExtraLight"))


def load_fonts():
    fonts = []
    for d, f in FONTS:
        path = os.path.join(FONT_ROOT, d, f)
        if not os.path.exists(path):
            sys.exit("missing font %s (install fonts-dejavu, fonts-liberation2, "
                     "fonts-lato, fonts-lyx)" % path)
        fonts.append((f, ImageFont.truetype(path, FONT_PX)))
    return fonts


def draw_glyph(font, name, ch, rng):
    """Returns the glyph as an 'L' image cropped to its ink, white on black."""
    thin = is_thin(name)
    # Stroke jitter: thicken by a random outline, or thin by erosion.
    stroke = int(rng.choice([0, 0, 1, 2, 3, 4, 5])) if not thin else int(rng.choice([3, 4, 5, 6, 7]))
    erode = (not thin) and stroke == 0 and rng.random() < 0.35
    pad = FONT_PX // 2
    canvas = Image.new("L", (2 * FONT_PX + 2 * pad, 2 * FONT_PX + 2 * pad), 0)
    ImageDraw.Draw(canvas).text((pad, pad), ch, font=font, fill=255,
                                stroke_width=stroke, stroke_fill=255)
    if erode:
        canvas = canvas.filter(ImageFilter.MinFilter(5))
    bbox = canvas.getbbox()
    return canvas.crop(bbox)


def render(font, name, ch, rng):
    g = draw_glyph(font, name, ch, rng)
    # Rotation and shear-free aspect jitter.
    angle = float(rng.uniform(-14, 14))
    g = g.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=0)
    g = g.crop(g.getbbox())
    w, h = g.size
    side = SIZE * SS
    target_h = float(rng.uniform(0.58, 0.86)) * side
    aspect = float(rng.uniform(0.85, 1.15))
    sx = target_h / h * aspect
    sy = target_h / h
    max_w = 0.9 * side
    if w * sx > max_w:
        f = max_w / (w * sx)
        sx *= f
        sy *= f
    nw, nh = max(1, int(round(w * sx))), max(1, int(round(h * sy)))
    g = g.resize((nw, nh), resample=Image.LANCZOS)
    # Random position; the glyph stays inside the frame.
    x0 = int(rng.integers(0, side - nw + 1))
    y0 = int(rng.integers(0, side - nh + 1))
    # Bias towards the centre: average the random spot with the centred one.
    x0 = (x0 + (side - nw) // 2) // 2
    y0 = (y0 + (side - nh) // 2) // 2
    big = Image.new("L", (side, side), 0)
    big.paste(g, (x0, y0))
    small = big.resize((SIZE, SIZE), resample=Image.BOX)
    a = np.asarray(small, dtype=np.float32) / 255.0
    # Contrast jitter (class independent): background and ink levels.
    bg = float(rng.uniform(0.0, 0.12))
    fg = float(rng.uniform(0.8, 1.0))
    img = bg + (fg - bg) * a
    return np.clip(np.rint(img * 255.0), 0, 255).astype(np.uint8)


def make(per_class, seed):
    rng = np.random.default_rng(seed)
    fonts = load_fonts()
    n = per_class * len(CLASS_LABELS)
    labels = np.repeat(np.arange(len(CLASS_LABELS), dtype=np.uint8), per_class)
    labels = labels[rng.permutation(n)]
    font_idx = rng.integers(0, len(fonts), size=n)
    images = np.zeros((n, SIZE, SIZE), dtype=np.uint8)
    for i in range(n):
        name, font = fonts[font_idx[i]]
        images[i] = render(font, name, CLASS_LABELS[labels[i]], rng)
    return images, labels


def preview(images, labels, path, per_row=16):
    rows = []
    for c in range(len(CLASS_LABELS)):
        idx = np.nonzero(labels == c)[0][:per_row]
        rows.append(np.concatenate([images[i] for i in idx], axis=1))
    Image.fromarray(np.concatenate(rows, axis=0)).resize(
        (per_row * SIZE * 2, len(CLASS_LABELS) * SIZE * 2), Image.NEAREST).save(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--out", required=True, help="output .npz")
    ap.add_argument("--per-class", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--preview", help="also write a PNG grid (16 per class)")
    args = ap.parse_args()
    images, labels = make(args.per_class, args.seed)
    np.savez_compressed(args.out, images=images, labels=labels)
    if args.preview:
        preview(images, labels, args.preview)
    print("wrote %d images to %s" % (len(labels), args.out))


if __name__ == "__main__":
    main()
