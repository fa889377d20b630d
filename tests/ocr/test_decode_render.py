"""Rendering helpers for the recogniser tests (synthetic crops; no tests of its own).

Imported by the other ``test_decode*``/``test_engine*`` files as ``test_decode_render``.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

GOTHIC = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
HANDWRITING = [
    p
    for p in (
        "/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf",
        "/usr/share/fonts/truetype/seto/setofont.ttf",
        "/usr/share/fonts/truetype/kiloji/kiloji.ttf",
        "/usr/share/fonts/truetype/yozvox-yozfont/YOzRN_.ttf",
        "/usr/share/fonts/truetype/yusei-magic/YuseiMagic-Regular.ttf",
    )
    if Path(p).exists()
]
FONTS = [p for p in [GOTHIC, *HANDWRITING] if Path(p).exists()]


def _degrade(img: Image.Image, rng: random.Random, blur: float, noise: float) -> np.ndarray:
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    a = np.asarray(img, dtype=np.float32)
    if noise:
        nprng = np.random.default_rng(rng.randrange(1 << 30))
        a = a + nprng.normal(0, noise, a.shape)
    return np.clip(a, 0, 255).astype(np.uint8)


def render_text(
    text: str,
    font: str = GOTHIC,
    *,
    size: int = 36,
    box: tuple[int, int] | None = None,
    seed: int = 0,
    blur: float = 0.6,
    noise: float = 6.0,
    jitter: int = 2,
) -> np.ndarray:
    """A grey crop of one text box with ``text`` written in ``font``, per-glyph jitter."""
    rng = random.Random(seed)
    f = ImageFont.truetype(font, size)
    w = box[0] if box else int(size * 1.15 * max(1, len(text))) + 24
    h = box[1] if box else int(size * 1.6)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    x = 12
    for ch in text:
        if ch == " ":
            x += int(size * rng.uniform(0.6, 0.9))
            continue
        dy = rng.randint(-jitter, jitter)
        d.text((x, (h - size) // 2 + dy), ch, font=f, fill=rng.randint(0, 50))
        x += int(f.getlength(ch)) + rng.randint(-1, 2)
    return _degrade(img, rng, blur, noise)


def render_cell(
    ch: str,
    font: str = GOTHIC,
    *,
    cell: int = 44,
    seed: int = 0,
    blur: float = 0.6,
    noise: float = 6.0,
    border: bool = True,
) -> np.ndarray:
    """One printed cell (with its border, as a field crop would be) holding ``ch`` or nothing."""
    rng = random.Random(seed)
    img = Image.new("L", (cell, cell), 255)
    d = ImageDraw.Draw(img)
    if border:
        d.rectangle([0, 0, cell - 1, cell - 1], outline=120, width=2)
    if ch:
        size = int(cell * rng.uniform(0.62, 0.78))
        f = ImageFont.truetype(font, size)
        bbox = d.textbbox((0, 0), ch, font=f)
        gw, gh = bbox[2] - bbox[0], bbox[3] - bbox[1]
        x = (cell - gw) // 2 - bbox[0] + rng.randint(-2, 2)
        y = (cell - gh) // 2 - bbox[1] + rng.randint(-2, 2)
        d.text((x, y), ch, font=f, fill=rng.randint(0, 50))
    return _degrade(img, rng, blur, noise)


def render_cells(text: str, font: str = GOTHIC, *, seed: int = 0, **kw) -> list[np.ndarray]:
    """One crop per cell; a space in ``text`` is an empty cell."""
    return [
        render_cell("" if c == " " else c, font, seed=seed * 100 + i, **kw)
        for i, c in enumerate(text)
    ]


def smudge(img: np.ndarray, seed: int = 0, strength: float = 1.0) -> np.ndarray:
    """Heavy blur, a grey wash and noise: the same crop, harder to read."""
    rng = np.random.default_rng(seed)
    pil = Image.fromarray(img).filter(ImageFilter.GaussianBlur(2.6 * strength))
    a = np.asarray(pil, dtype=np.float32)
    a = a * 0.55 + 255 * 0.25 + rng.normal(0, 28 * strength, a.shape)
    return np.clip(a, 0, 255).astype(np.uint8)
