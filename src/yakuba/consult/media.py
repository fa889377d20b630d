"""What an attachment is, decided by its content (never its name or the browser's Content-Type),
and what it claims (pages, pixels, duration), read from its headers before anything is decoded.
Pure: no Django.

    fmt = sniff(data)                       # None: not a kind the centre keeps
    meta = probe(fmt, data, limits)         # AttachmentRefused over a limit, or unreadable

The formats are data (``FORMATS``): magic bytes at an offset, the kind (pdf, image, audio), the
MIME type the viewer is answered with, the extension an export gets.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass
from typing import Callable

from yakuba.errors import YakubaError

__all__ = ["FORMATS", "Format", "Limits", "Meta", "AttachmentRefused", "sniff", "probe", "burn_watermark"]


class AttachmentRefused(YakubaError):
    """An upload that is not kept: not a supported kind, unreadable, or over a limit (Japanese message)."""

    code = "consult.attachment_refused"
    default_message = "このファイルは添付できません。"


@dataclass(frozen=True)
class Format:
    id: str
    kind: str  # "pdf", "image", "audio"
    mime: str
    ext: str
    label: str
    magic: tuple[tuple[int, bytes], ...]  # every (offset, bytes) must match


FORMATS: tuple[Format, ...] = (
    Format("pdf", "pdf", "application/pdf", "pdf", "PDF", ((0, b"%PDF-"),)),
    Format("png", "image", "image/png", "png", "PNG画像", ((0, b"\x89PNG\r\n\x1a\n"),)),
    Format("jpeg", "image", "image/jpeg", "jpg", "JPEG画像", ((0, b"\xff\xd8\xff"),)),
    Format("wav", "audio", "audio/wav", "wav", "WAV音声", ((0, b"RIFF"), (8, b"WAVE"))),
    Format("ogg", "audio", "audio/ogg", "ogg", "Ogg音声(Vorbis/Opus)", ((0, b"OggS"),)),
    Format("mp3", "audio", "audio/mpeg", "mp3", "MP3音声", ((0, b"ID3"),)),
    Format("mp3", "audio", "audio/mpeg", "mp3", "MP3音声", ((0, b"\xff\xfb"),)),
    Format("mp3", "audio", "audio/mpeg", "mp3", "MP3音声", ((0, b"\xff\xf3"),)),
    Format("mp3", "audio", "audio/mpeg", "mp3", "MP3音声", ((0, b"\xff\xf2"),)),
    Format("m4a", "audio", "audio/mp4", "m4a", "M4A音声(AAC)", ((4, b"ftypM4A "),)),
    Format("m4a", "audio", "audio/mp4", "m4a", "M4A音声(AAC)", ((4, b"ftypmp42"),)),
    Format("m4a", "audio", "audio/mp4", "m4a", "M4A音声(AAC)", ((4, b"ftypisom"),)),
)
BY_ID = {f.id: f for f in FORMATS}
SUPPORTED = "PDF・PNG・JPEG・WAV・Ogg・MP3・M4A"


def sniff(data: bytes) -> Format | None:
    """The format whose magic bytes `data` starts with, or None."""
    for fmt in FORMATS:
        if all(data[off:off + len(magic)] == magic for off, magic in fmt.magic):
            return fmt
    return None


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    max_pages: int
    max_seconds: int


@dataclass(frozen=True)
class Meta:
    pages: int | None = None
    width: int | None = None
    height: int | None = None
    seconds: float | None = None

    @property
    def pixels(self) -> int | None:
        return self.width * self.height if self.width and self.height else None


def probe(fmt: Format, data: bytes, limits: Limits, shown: str = "ファイル") -> Meta:
    """The file's pages / pixels / duration, each checked against `limits`; AttachmentRefused."""
    if not data:
        raise AttachmentRefused(f"{shown}: ファイルが空です。", where="file")
    if len(data) > limits.max_bytes:
        raise AttachmentRefused(f"{shown}: ファイルが大きすぎます({limits.max_bytes // (1024 * 1024)}MB まで)。",
                                where="file")
    reader = PROBES[fmt.kind]
    try:
        return reader(fmt, data, limits, shown)
    except AttachmentRefused:
        raise
    except Exception:  # noqa: BLE001 - the parsers raise many kinds on garbage
        raise AttachmentRefused(f"{shown}: {fmt.label}として読めません。ファイルが壊れていないか確かめてください。",
                                where="file") from None


def _pdf(fmt: Format, data: bytes, limits: Limits, shown: str) -> Meta:
    from pypdf import PdfReader

    from yakuba.ocr.limits import ScanTooLarge, check_pdf_page

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise AttachmentRefused(f"{shown}: パスワード付きの PDF は添付できません。パスワードを外してください。", where="file")
    pages = len(reader.pages)
    if pages == 0:
        raise AttachmentRefused(f"{shown}: PDF にページがありません。", where="file")
    if pages > limits.max_pages:
        raise AttachmentRefused(f"{shown}: ページが多すぎます({pages} ページ。{limits.max_pages} ページまで)。", where="file")
    for n, page in enumerate(reader.pages, 1):
        try:
            check_pdf_page(page, f"{n} ページ", limits.max_pixels)
        except ScanTooLarge:
            raise AttachmentRefused(f"{shown}: {n} ページの画像が大きすぎます({limits.max_pixels:,} ピクセルまで)。",
                                    where="file") from None
    return Meta(pages=pages)


def _image(fmt: Format, data: bytes, limits: Limits, shown: str) -> Meta:
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[fmt.id.upper()]) as image:  # header only
                width, height = image.size
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            width = height = 0
            over = True
        else:
            over = width * height > limits.max_pixels
    if over or width <= 0 or height <= 0:
        claimed = f"{width}×{height} ピクセル。" if width and height else ""
        raise AttachmentRefused(f"{shown}: 画像が大きすぎます({claimed}{limits.max_pixels:,} ピクセルまで)。", where="file")
    with Image.open(io.BytesIO(data), formats=[fmt.id.upper()]) as image:
        image.verify()  # the whole stream is well-formed (no pixel buffer is kept)
    return Meta(width=width, height=height)


def _check_seconds(seconds: float, limits: Limits, shown: str) -> Meta:
    if seconds <= 0:
        raise ValueError("no duration")
    if seconds > limits.max_seconds:
        raise AttachmentRefused(f"{shown}: 録音が長すぎます({seconds / 60:.0f}分。{limits.max_seconds // 60}分まで)。",
                                where="file")
    return Meta(seconds=round(seconds, 3))


def wav_seconds(data: bytes) -> float:
    """From the RIFF chunks: the data chunk's size over the byte rate of the fmt chunk."""
    pos, byte_rate, size = 12, 0, None
    while pos + 8 <= len(data):
        cid, length = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if cid == b"fmt ":
            byte_rate = struct.unpack("<I", data[pos + 16:pos + 20])[0]
        elif cid == b"data":
            size = min(length, len(data) - pos - 8)
            break
        pos += 8 + length + (length & 1)
    if not byte_rate or size is None:
        raise ValueError("not a WAV")
    return size / byte_rate


def ogg_seconds(data: bytes) -> float:
    """The last page's granule position over the sample rate of the first packet (Vorbis or Opus)."""
    head = data[:512]
    if b"\x01vorbis" in head:
        i = head.index(b"\x01vorbis")
        rate = struct.unpack("<I", head[i + 12:i + 16])[0]
        pre_skip = 0
    elif b"OpusHead" in head:
        rate = 48000
        i = head.index(b"OpusHead")
        pre_skip = struct.unpack("<H", head[i + 10:i + 12])[0]
    else:
        raise ValueError("not Vorbis or Opus")
    last = data.rfind(b"OggS")
    granule = struct.unpack("<q", data[last + 6:last + 14])[0]
    return (granule - pre_skip) / rate


_MP3_BITRATES = {  # (version bits, layer bits) -> kbit/s by index
    (3, 1): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1 layer III
    (2, 1): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2 layer III
    (0, 1): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2.5 layer III
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def mp3_seconds(data: bytes) -> float:
    """Walks every frame header (after an ID3v2 tag): the sum of the frames' durations."""
    pos = 0
    if data[:3] == b"ID3":
        size = data[6:10]
        pos = 10 + ((size[0] << 21) | (size[1] << 14) | (size[2] << 7) | size[3])
    seconds, frames = 0.0, 0
    while pos + 4 <= len(data):
        h = struct.unpack(">I", data[pos:pos + 4])[0]
        if (h >> 21) & 0x7FF != 0x7FF:
            if frames:
                break  # trailing tag (ID3v1, APE)
            raise ValueError("no MP3 frame")
        version, layer = (h >> 19) & 3, (h >> 17) & 3
        bitrate_i, rate_i, padding = (h >> 12) & 15, (h >> 10) & 3, (h >> 9) & 1
        if (version, layer) not in _MP3_BITRATES or bitrate_i in (0, 15) or rate_i == 3:
            raise ValueError("not a layer III frame")
        rate = _MP3_RATES[version][rate_i]
        samples = 1152 if version == 3 else 576
        length = samples // 8 * _MP3_BITRATES[(version, layer)][bitrate_i] * 1000 // rate + padding
        seconds += samples / rate
        frames += 1
        pos += length
    if not frames:
        raise ValueError("no MP3 frame")
    return seconds


def m4a_seconds(data: bytes) -> float:
    """The movie header (moov/mvhd): duration over timescale."""
    def boxes(start: int, end: int):  # type: ignore[no-untyped-def]
        pos = start
        while pos + 8 <= end:
            size, kind = struct.unpack(">I4s", data[pos:pos + 8])
            header = 8
            if size == 1:
                size, header = struct.unpack(">Q", data[pos + 8:pos + 16])[0], 16
            elif size == 0:
                size = end - pos
            if size < header:
                raise ValueError("bad box")
            yield kind, pos + header, pos + size
            pos += size

    for kind, start, end in boxes(0, len(data)):
        if kind == b"moov":
            for inner, s, _e in boxes(start, end):
                if inner == b"mvhd":
                    if data[s] == 1:
                        timescale, duration = struct.unpack(">IQ", data[s + 20:s + 32])
                    else:
                        timescale, duration = struct.unpack(">II", data[s + 12:s + 20])
                    return duration / timescale
    raise ValueError("no movie header")


AUDIO_SECONDS: dict[str, Callable[[bytes], float]] = {"wav": wav_seconds, "ogg": ogg_seconds, "mp3": mp3_seconds,
                                                      "m4a": m4a_seconds}


def _audio(fmt: Format, data: bytes, limits: Limits, shown: str) -> Meta:
    return _check_seconds(AUDIO_SECONDS[fmt.id](data), limits, shown)


PROBES: dict[str, Callable[[Format, bytes, Limits, str], Meta]] = {"pdf": _pdf, "image": _image, "audio": _audio}


def burn_watermark(data: bytes, fmt: Format, lines: list[str], *, max_side: int = 2400) -> bytes:
    """The image, at most `max_side` pixels a side, with `lines` burned in: repeated diagonally
    across it (semi-opaque) and once in a solid band at the bottom. PNG out for a PNG, JPEG for a JPEG."""
    from PIL import Image, ImageDraw, ImageFont, ImageOps

    with Image.open(io.BytesIO(data), formats=[fmt.id.upper()]) as src:
        if fmt.id == "jpeg":
            src.draft("RGB", (max_side, max_side))  # decode a JPEG at a reduced scale when it can
        image = ImageOps.exif_transpose(src).convert("RGB")
    image.thumbnail((max_side, max_side))
    width, height = image.size
    font = _font(max(12, min(width, height) // 28))
    text = "  ".join(lines)
    layer = Image.new("RGBA", (width * 2, height * 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    step = max(40, font.size * 4)
    for n, y in enumerate(range(0, height * 2, step)):
        draw.text((-(n % 3) * font.size * 4, y), (text + "    ") * 6, font=font, fill=(200, 0, 0, 90))
    layer = layer.rotate(30, center=(width, height)).crop((width // 2, height // 2, width // 2 + width,
                                                           height // 2 + height))
    out = Image.alpha_composite(image.convert("RGBA"), layer)
    band = ImageDraw.Draw(out)
    band_h = font.size * len(lines) + font.size
    band.rectangle((0, height - band_h, width, height), fill=(255, 255, 255, 230))
    for i, line in enumerate(lines):
        band.text((font.size // 2, height - band_h + font.size // 2 + i * font.size), line, font=font, fill=(160, 0, 0, 255))
    buf = io.BytesIO()
    if fmt.id == "png":
        out.convert("RGB").save(buf, "PNG", optimize=False)
    else:
        out.convert("RGB").save(buf, "JPEG", quality=85)
    return buf.getvalue()


_FONTS = ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
          "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    for path in _FONTS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)
