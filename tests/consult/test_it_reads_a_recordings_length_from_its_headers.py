"""A recording's length comes from its own headers (WAV fmt/data, MP3 frames, Ogg granule, M4A mvhd),
so the minutes limit holds whatever the name says; garbage after the magic is refused, not a 500."""

from __future__ import annotations

import struct

import pytest

from tests.consult.helpers import sample_wav
from yakuba.consult import media

LIMITS = media.Limits(max_bytes=50 * 1024 * 1024, max_pixels=10**7, max_pages=10, max_seconds=600)


def mp3(seconds: float) -> bytes:
    frame = struct.pack(">I", 0xFFFB9000) + b"\x00" * (417 - 4)  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
    return frame * round(seconds * 44100 / 1152)


def m4a(seconds: float) -> bytes:
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"M4A ", 0, b"isom")
    mvhd_body = b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, 1000, int(seconds * 1000)) + b"\x00" * 80
    mvhd = struct.pack(">I4s", 8 + len(mvhd_body), b"mvhd") + mvhd_body
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    return ftyp + moov


def ogg(seconds: float, rate: int = 44100) -> bytes:
    ident = b"\x01vorbis" + struct.pack("<IBIiii", 0, 1, rate, 0, 0, 0) + b"\x00" * 2  # version, channels, rate, …
    first = b"OggS\x00\x02" + struct.pack("<q", 0) + b"\x00" * 12 + b"\x01" + bytes([len(ident)]) + ident
    last = b"OggS\x00\x04" + struct.pack("<q", int(seconds * rate)) + b"\x00" * 12 + b"\x01\x04" + b"abcd"
    return first + b"\x00" * 1000 + last


@pytest.mark.parametrize("make,fmt", [(mp3, "mp3"), (m4a, "m4a"), (ogg, "ogg"),
                                      (lambda s: sample_wav(seconds=s, rate=8000), "wav")])
def test_it_reads_the_length(make, fmt: str) -> None:  # type: ignore[no-untyped-def]
    data = make(30.0)
    found = media.sniff(data)
    assert found is not None and found.id == fmt
    assert media.probe(found, data, LIMITS).seconds == pytest.approx(30.0, abs=0.1)
    long = make(700.0)
    with pytest.raises(media.AttachmentRefused, match="録音が長すぎます"):
        media.probe(media.sniff(long), long, LIMITS)  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [b"ID3\x03\x00\x00\x00\x00\x00\x10" + b"\x00" * 40, b"OggS" + b"\x00" * 30,
                                  b"RIFF\x10\x00\x00\x00WAVEjunk", b"\x00\x00\x00\x10ftypM4A " + b"\xff" * 20])
def test_garbage_behind_the_magic_is_refused_in_one_line(data: bytes) -> None:
    fmt = media.sniff(data)
    assert fmt is not None
    with pytest.raises(media.AttachmentRefused, match="として読めません"):
        media.probe(fmt, data, LIMITS)
