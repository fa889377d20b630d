"""Limits on what a scan may claim, checked from the file's header before anything is decoded.

A PNG of a few kilobytes can claim 100000 × 100000 pixels (10 GB once decoded: a decompression
bomb); a PDF can hold thousands of pages. The size of an image is read from its header with
Pillow's lazy `Image.open` (no pixel is decoded), the size of each image of a PDF page from its
dictionary (`/Width`, `/Height`), and a PDF's pages are counted before any is rendered. Pillow's
own `MAX_IMAGE_PIXELS` is set to the same limit, so no other decode in the process goes beyond it.

Defaults: `YAKUBA_UPLOAD_MAX_PIXELS` (50 000 000 pixels: an A3 page at 600 dpi is 35 Mpx) and
`YAKUBA_UPLOAD_MAX_PAGES` (200), from the environment; callers may pass their own. Pure: no Django.
"""

from __future__ import annotations

import io
import warnings
from typing import Any, Iterator

from PIL import Image

from yakuba.errors import YakubaError
from yakuba.site.config import env_int


MAX_PIXELS = env_int("YAKUBA_UPLOAD_MAX_PIXELS", 50_000_000)
MAX_PAGES = env_int("YAKUBA_UPLOAD_MAX_PAGES", 200)
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ScanTooLarge(YakubaError, ValueError):
    """A scan over the pixel or page limit: refused before it is decoded."""

    code = "ocr.scan_too_large"
    exit_code = 1


class NotAnImage(YakubaError, ValueError):
    """The header is not one of an image Pillow knows."""

    code = "ocr.not_an_image"
    exit_code = 1


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the image's header, nothing decoded; `NotAnImage` when there is none."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:  # lazy: reads the header only
                return int(image.size[0]), int(image.size[1])
        except Image.DecompressionBombError:  # Pillow's own check, at twice its limit
            raise ScanTooLarge(_pixels_message("", 0, 0)) from None
        except Exception:  # noqa: BLE001 - Pillow raises many kinds on garbage
            raise NotAnImage("画像として読めません (not a readable image)") from None


def _pixels_message(where: str, width: int, height: int, limit: int = MAX_PIXELS) -> str:
    claimed = f"{width}×{height} ピクセル" if width and height else "上限を超える大きさ"
    prefix = f"{where}: " if where else ""
    return (f"{prefix}画像が大きすぎます({claimed}。{limit:,} ピクセルまで)。"
            f"解像度を下げてスキャンし直してください (image over {limit} pixels)")


def check_pixels(width: int, height: int, where: str, limit: int | None = None) -> None:
    limit = limit or MAX_PIXELS
    if width <= 0 or height <= 0 or width * height > limit:
        raise ScanTooLarge(_pixels_message(where, width, height, limit), where=where)


def check_image(data: bytes, where: str, limit: int | None = None) -> tuple[int, int]:
    """The image's (width, height) from its header; `ScanTooLarge` over `limit` pixels, `NotAnImage`."""
    try:
        width, height = image_size(data)
    except ScanTooLarge:
        raise ScanTooLarge(_pixels_message(where, 0, 0, limit or MAX_PIXELS), where=where) from None
    check_pixels(width, height, where, limit)
    return width, height


def check_pages(count: int, where: str, limit: int | None = None) -> None:
    limit = limit or MAX_PAGES
    if count > limit:
        raise ScanTooLarge(f"{where}: ページが多すぎます({count} ページ。{limit} ページまで)。"
                           f"分けて登録してください (PDF of {count} pages, limit {limit})", where=where)


def pdf_image_sizes(page: Any) -> Iterator[tuple[int, int]]:
    """(width, height) of every image XObject of a pypdf page, read from its dictionary (nothing decoded)."""
    try:
        objects = page["/Resources"]["/XObject"]
        objects = objects.get_object()
    except (KeyError, TypeError, AttributeError):
        return
    for name in list(objects.keys()):
        try:
            item = objects[name].get_object()
            if item.get("/Subtype") == "/Image":
                yield int(item.get("/Width", 0)), int(item.get("/Height", 0))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue


def check_pdf_page(page: Any, where: str, limit: int | None = None) -> None:
    for width, height in pdf_image_sizes(page):
        check_pixels(width, height, where, limit)
