"""Shared helpers of the provision log: the one way it fails, strict base64, strict decimals. Pure: no Django."""

from __future__ import annotations

import base64
import binascii
import re

from yakuba.linkage.errors import LogError

MAX_UINT64 = (1 << 64) - 1
_DECIMAL = re.compile(r"(0|[1-9][0-9]*)\Z")


def fail(japanese: str, english: str, where: str | None = None) -> LogError:
    """A `LogError` with the house message: Japanese first, the English in parentheses, one line."""
    text = " ".join(f"{japanese} ({english})".split())
    return LogError(text, where=where)


def b64decode_strict(text: str, *, canonical: bool = True) -> bytes | None:
    """Standard base64 (RFC 4648 §4) or None; with `canonical`, only the one encoding of the bytes
    (no stray bits in the last character), so that no two texts decode to the same bytes."""
    if not isinstance(text, str) or not text.isascii():
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if canonical and base64.b64encode(data).decode("ascii") != text:
        return None
    return data


def b64encode(data: bytes) -> str:
    """Standard base64 with padding, as text."""
    return base64.b64encode(bytes(data)).decode("ascii")


def parse_decimal(text: str, *, limit: int = MAX_UINT64) -> int | None:
    """ASCII decimal without leading zeroes (``0`` itself allowed), at most `limit`; else None."""
    if not isinstance(text, str) or not _DECIMAL.match(text) or len(text) > 20:
        return None
    value = int(text)
    return value if value <= limit else None


def check_count(value: object, what: str, where: str | None = None) -> int:
    """A non-negative int (not a bool) that fits in 64 bits, or a LogError naming `what`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(f"{what} が整数ではありません", f"{what} is not an integer: {value!r}", where)
    if value < 0 or value > MAX_UINT64:
        raise fail(f"{what} が範囲外です", f"{what} out of range 0..2^64-1: {value}", where)
    return value
