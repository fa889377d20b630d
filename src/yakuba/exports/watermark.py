"""The watermark of an exported file: which export it is, who asked and when, in the file itself.

- PDF: a small line in the bottom margin of every page, and the document's metadata
  (``/YakubaExport`` = the export id, ``/Keywords`` = the line);
- CSV: a first line ``#yakuba-export id=… user=… at=…`` (after the BOM, when there is one) that an
  importer skips, and the export id in the file name (``…-export<id>.csv``);
- XML: the same line as a comment after the XML declaration.
- PNG / JPEG: the line burned into the picture (a band at the bottom and repeated across it), and
  in its metadata (a PNG text chunk, a JPEG comment);
- WAV: a ``LIST/INFO`` chunk (``ICMT``) before the samples; MP3: an ID3v2 comment tag in front;
  Ogg / M4A: the export id in the file name only (and the export's record).

``find`` reads the export id back from a file (for ``yakuba exports identify``). Plain Python
(pypdf), no Django.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

__all__ = ["PREFIX", "Mark", "find", "stamp"]

PREFIX = "yakuba-export"
_LINE = re.compile(rb"yakuba-export id=(\d+)")
_NAME = re.compile(r"-export(\d+)\.[A-Za-z0-9]+$")
_BOM = "\ufeff".encode("utf-8")


@dataclass(frozen=True)
class Mark:
    export_id: int
    user: str
    at: dt.datetime

    @property
    def line(self) -> str:
        """ASCII only (a PDF's standard font, any importer): a user name outside ASCII is escaped."""
        user = self.user.encode("ascii", "backslashreplace").decode("ascii").replace(" ", "_")
        return f"{PREFIX} id={self.export_id} user={user} at={self.at.isoformat(timespec='seconds')}"


def stamp(content: bytes, fmt: str, mark: Mark) -> bytes:
    """`content` with `mark` in it, as the format allows."""
    if fmt == "csv":
        body = content[len(_BOM):] if content.startswith(_BOM) else content
        head = _BOM if content.startswith(_BOM) else b""
        return head + f"#{mark.line}\r\n".encode("ascii") + body
    if fmt == "xml":
        comment = f"<!-- {mark.line} -->".encode("ascii")
        if content.startswith(b"<?xml"):
            end = content.index(b"?>") + 2
            return content[:end] + b"\n" + comment + content[end:]
        return comment + b"\n" + content
    if fmt == "pdf":
        return _stamp_pdf(content, mark)
    if fmt in ("png", "jpg"):
        return _stamp_image(content, fmt, mark)
    if fmt == "wav":
        return _stamp_wav(content, mark)
    if fmt == "mp3":
        return _id3_comment(mark.line) + content
    if fmt in ("ogg", "m4a"):
        return content  # the file name carries the export id
    raise ValueError(f"unknown export format {fmt!r}")


def _stamp_image(content: bytes, fmt: str, mark: Mark) -> bytes:
    from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

    with Image.open(io.BytesIO(content)) as src:
        image = src.convert("RGB")
    width, height = image.size
    size = max(10, min(width, height) // 30)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        font = ImageFont.load_default(size)
    draw = ImageDraw.Draw(image)
    for y in range(size, height - 3 * size, max(6 * size, height // 6)):
        draw.text((size, y), mark.line, font=font, fill=(180, 0, 0))
    draw.rectangle((0, height - 2 * size, width, height), fill=(255, 255, 255))
    draw.text((size // 2, height - 2 * size + size // 3), mark.line, font=font, fill=(0, 0, 0))
    out = io.BytesIO()
    if fmt == "png":
        info = PngImagePlugin.PngInfo()
        info.add_text(PREFIX, mark.line)
        image.save(out, "PNG", pnginfo=info)
    else:
        image.save(out, "JPEG", quality=90, comment=mark.line.encode("ascii"))
    return out.getvalue()


def _stamp_wav(content: bytes, mark: Mark) -> bytes:
    """A LIST/INFO chunk with the line as ICMT right after the RIFF header (before fmt and data)."""
    import struct

    if content[:4] != b"RIFF" or content[8:12] != b"WAVE":
        raise ValueError("not a WAV file")
    text = mark.line.encode("ascii") + b"\x00"
    if len(text) % 2:
        text += b"\x00"
    info = b"INFO" + b"ICMT" + struct.pack("<I", len(text)) + text
    chunk = b"LIST" + struct.pack("<I", len(info)) + info
    body = content[12:]
    return b"RIFF" + struct.pack("<I", 4 + len(chunk) + len(body)) + b"WAVE" + chunk + body


def _id3_comment(line: str) -> bytes:
    """An ID3v2.3 tag with one COMM frame (Latin-1 text)."""
    import struct

    payload = b"\x00" + b"eng" + b"\x00" + line.encode("ascii")
    frame = b"COMM" + struct.pack(">I", len(payload)) + b"\x00\x00" + payload
    size = len(frame)
    synchsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x03\x00\x00" + synchsafe + frame


def _text_stream(line: str, width: float) -> bytes:
    text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"q 0.35 g BT /YakubaMark 6 Tf 1 0 0 1 {min(36.0, width / 20):.1f} 14 Tm ({text}) Tj ET Q".encode("ascii")


def _stamp_pdf(content: bytes, mark: Mark) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    reader = PdfReader(io.BytesIO(content))
    writer = PdfWriter(clone_from=reader)
    font = writer._add_object(DictionaryObject({  # noqa: SLF001 - pypdf's way to add an indirect object
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    }))
    stamps: dict[float, object] = {}
    for page in writer.pages:
        width = float(page.mediabox.width)
        if width not in stamps:
            stream = DecodedStreamObject()
            stream.set_data(_text_stream(mark.line, width))
            stamps[width] = writer._add_object(stream)  # noqa: SLF001
        _add_font(page, font)
        # the page's own content is wrapped in q … Q so its transformations do not move the line
        before = DecodedStreamObject()
        before.set_data(b"q\n")
        after = DecodedStreamObject()
        after.set_data(b"\nQ\n")
        contents = page.get("/Contents")
        body = contents.get_object() if contents is not None else None
        parts = list(body) if isinstance(body, ArrayObject) else ([contents] if contents is not None else [])
        page[NameObject("/Contents")] = ArrayObject(
            [writer._add_object(before), *parts, writer._add_object(after), stamps[width]])  # noqa: SLF001
    writer.add_metadata({**(reader.metadata or {}), "/YakubaExport": str(mark.export_id), "/Keywords": mark.line})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _add_font(page: object, font: object) -> None:
    from pypdf.generic import DictionaryObject, NameObject

    resources = page.get("/Resources")  # type: ignore[attr-defined]
    if resources is None:
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources  # type: ignore[index]
    resources = resources.get_object()
    fonts = resources.get("/Font")
    if fonts is None:
        fonts = DictionaryObject()
        resources[NameObject("/Font")] = fonts
    fonts.get_object()[NameObject("/YakubaMark")] = font


def find(content: bytes, filename: str = "") -> int | None:
    """The export id a file's watermark names (PDF metadata or page text, the CSV/XML line, the
    file name), or None."""
    if content.startswith(b"%PDF"):
        found = _find_pdf(content)
        if found is not None:
            return found
    head = _LINE.search(content[:4096])
    if head:
        return int(head.group(1))
    name = _NAME.search(filename or "")
    return int(name.group(1)) if name else None


def _find_pdf(content: bytes) -> int | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        meta = reader.metadata or {}
        value = str(meta.get("/YakubaExport", "")).strip()
        if value.isdigit():
            return int(value)
        for page in reader.pages[:50]:
            m = _LINE.search((page.extract_text() or "").encode("utf-8", "replace"))
            if m:
                return int(m.group(1))
    except (PyPdfError, ValueError, KeyError, OSError):
        return None
    return None
