"""No private key is ever part of the source: keys are made per installation (var/, the relay's PKI folder).

A test that once wrote the relay's PKI into the current folder got its keys committed; this catches the next one.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARK = "PRIVATE" + " KEY-----"  # split, so that this file does not match itself


def tracked_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in listed.decode().split("\0") if name]


def test_it_works() -> None:
    offending = []
    for path in tracked_files():
        if path.suffix in {".key", ".pem", ".p12", ".pfx"}:
            offending.append(path)
        elif path.is_file() and MARK.encode() in path.read_bytes():
            offending.append(path)
    assert not offending, f"private keys in the repository: {[str(p.relative_to(ROOT)) for p in offending]}"
