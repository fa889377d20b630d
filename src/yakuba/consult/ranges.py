"""HTTP Range (RFC 9110 §14) for one range of bytes, as the audio player and pdf.js ask. Pure.

    parse_range(None, size)               -> None (no Range: the whole file, 200)
    parse_range("bytes=0-1023", size)     -> (0, 1024)   half-open, for a 206
    parse_range("bytes=-500", size)       -> the last 500 bytes (suffix)
    parse_range("bytes=9999999-", size)   -> Unsatisfiable (416, Content-Range: bytes */size)

A header that is malformed, not in bytes, or asks for several ranges is Unsatisfiable too: the
file is never answered in multipart, and a request that is not understood gets no bytes.
"""

from __future__ import annotations

import re

__all__ = ["Unsatisfiable", "parse_range", "content_range"]

_ONE = re.compile(r"^bytes=(\d{0,18})-(\d{0,18})$")


class Unsatisfiable(ValueError):
    pass


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    if header is None:
        return None
    m = _ONE.match(header.strip().replace(" ", ""))
    if not m or (not m.group(1) and not m.group(2)):
        raise Unsatisfiable(header)
    first, last = m.group(1), m.group(2)
    if not first:  # suffix: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            raise Unsatisfiable(header)
        return max(0, size - n), size
    start = int(first)
    end = size if not last else int(last) + 1
    if last and int(last) < start:
        raise Unsatisfiable(header)
    if start >= size:
        raise Unsatisfiable(header)
    return start, min(end, size)


def content_range(start: int, end: int, size: int) -> str:
    return f"bytes {start}-{end - 1}/{size}"
