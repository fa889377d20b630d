"""Draw the blank form: white paper, thin printed frames and cells, labels, fiducial squares.

Pixel frame: ``px = mm * dpi / 25.4`` from the page's top-left corner; A4 at 200 dpi is
1654 × 2339 pixels. Pure: no Django.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from yakuba.ocr.template import Box, Field, Template

PRINT_FONT = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
FRAME_GRAY = 80  # printed frame lines (dark enough to survive a faint scan)
LINE_MM = 0.25


def px(mm: float, dpi: int) -> float:
    return mm * dpi / 25.4


def page_size(template: Template, dpi: int) -> tuple[int, int]:
    """(width, height) in pixels."""
    return round(px(template.width_mm, dpi)), round(px(template.height_mm, dpi))


def box_px(box: Box, dpi: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) in pixels, x1/y1 exclusive."""
    return (round(px(box.x, dpi)), round(px(box.y, dpi)), round(px(box.right, dpi)), round(px(box.bottom, dpi)))


@lru_cache(maxsize=64)
def _font(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(4, size_px))


def _frame(draw: ImageDraw.ImageDraw, box: Box, dpi: int, width: int) -> None:
    x0, y0, x1, y1 = box_px(box, dpi)
    draw.rectangle((x0, y0, x1 - 1, y1 - 1), outline=FRAME_GRAY, width=width)


def _draw_field(draw: ImageDraw.ImageDraw, field: Field, dpi: int, width: int) -> None:
    if field.parts:
        for part in field.parts:
            _draw_field(draw, part, dpi, width)
        return
    _frame(draw, field.box, dpi, width)
    if field.cells > 1:
        x0, y0, x1, y1 = box_px(field.box, dpi)
        for cell in field.cell_boxes()[1:]:
            cx = round(px(cell.x, dpi))
            draw.line((cx, y0, cx, y1 - 1), fill=FRAME_GRAY, width=max(1, width - 1))
    if field.type == "checkbox":  # its label, right of the square
        size = field.box.h * 0.85
        font = _font(PRINT_FONT, round(px(size, dpi)))
        draw.text((px(field.box.right + 1.0, dpi), px(field.box.y + (field.box.h - size) / 2 - 0.3, dpi)),
                  field.label, fill=0, font=font)


@lru_cache(maxsize=8)
def _render(template: Template, dpi: int) -> Image.Image:
    img = Image.new("L", page_size(template, dpi), 255)
    draw = ImageDraw.Draw(img)
    width = max(1, round(px(LINE_MM, dpi)))
    for text in template.texts:
        font = _font(PRINT_FONT, round(px(text.size, dpi)))
        draw.text((px(text.x, dpi), px(text.y, dpi)), text.text, fill=0, font=font,
                  stroke_width=1 if text.bold else 0, stroke_fill=0)
    for field in template.fields:
        _draw_field(draw, field, dpi, width)
    for fid in template.fiducials:
        x0, y0, x1, y1 = box_px(fid, dpi)
        draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=0)
    return img


def render_blank(template: Template, dpi: int = 200) -> Image.Image:
    """The blank form as a grayscale ("L") image (a fresh copy each call)."""
    return _render(template, dpi).copy()


def blank_array(template: Template, dpi: int = 200) -> np.ndarray:
    """The blank form as a read-only uint8 array (shared; do not modify)."""
    arr = np.asarray(_render(template, dpi))
    return arr


def blank_pdf(template: Template, path: str | Path, dpi: int = 200) -> Path:
    """Write the blank form as a one-page PDF for printing (A4 at ``dpi``)."""
    path = Path(path)
    render_blank(template, dpi).save(path, "PDF", resolution=float(dpi), title=template.title)
    return path
