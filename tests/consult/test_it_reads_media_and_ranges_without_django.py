"""The attachment cores are pure: what a file is and claims (consult.media) and the HTTP ranges
(consult.ranges) import no Django, and the range parser answers each form as RFC 9110 says."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from yakuba.consult import media, ranges


@pytest.mark.parametrize("module", ["yakuba.consult.media", "yakuba.consult.ranges"])
def test_it_imports_without_django(module: str) -> None:
    script = ("import importlib, sys; importlib.import_module(sys.argv[1]); "
              "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; assert not loaded, loaded")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    result = subprocess.run([sys.executable, "-c", script, module], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("header,want", [
    (None, None), ("bytes=0-9", (0, 10)), ("bytes=5-", (5, 100)), ("bytes=-10", (90, 100)), ("bytes=-1000", (0, 100)),
    ("bytes=90-200", (90, 100)), ("bytes=99-99", (99, 100)),
])
def test_it_parses_one_range(header: str | None, want: tuple[int, int] | None) -> None:
    assert ranges.parse_range(header, 100) == want


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=5-4", "bytes=-0", "bytes=-", "bits=0-1", "bytes=0-1,3-4", "", "bytes=x-"])
def test_it_refuses_what_it_cannot_answer(header: str) -> None:
    with pytest.raises(ranges.Unsatisfiable):
        ranges.parse_range(header, 100)


def test_it_knows_a_file_by_its_magic_not_its_name() -> None:
    assert media.sniff(b"%PDF-1.7\n...").id == "pdf"
    assert media.sniff(b"\x89PNG\r\n\x1a\n....").id == "png"
    assert media.sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ").id == "wav"
    assert media.sniff(b"RIFF\x00\x00\x00\x00AVI LIST") is None
    assert media.sniff(b"MZ\x90\x00") is None and media.sniff(b"") is None
    assert media.sniff(b"\x00\x00\x00\x20ftypM4A \x00").id == "m4a"
