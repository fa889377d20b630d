"""Test helpers that build packages by hand, the way an attacker or a buggy sender would."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Callable

import pyrage
from pyrage import x25519

Members = list[tuple[str, bytes]]


def read_members(path: Path, identity: x25519.Identity) -> Members:
    """Decrypt a recipient-mode package completely and list its tar members."""
    plain = pyrage.decrypt(path.read_bytes(), [identity])
    members: Members = []
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:", encoding="utf-8") as tar:
        for member in tar:
            handle = tar.extractfile(member)
            members.append((member.name, handle.read() if handle else b""))
    return members


def write_members(path: Path, members: Members, recipient: str) -> None:
    """Build a tar from ``members`` and encrypt it to ``recipient`` with age."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT, encoding="utf-8") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path.write_bytes(pyrage.encrypt(buffer.getvalue(), [x25519.Recipient.from_str(recipient)]))


def repack(
    src: Path,
    dst: Path,
    identity: x25519.Identity,
    recipient: str,
    change: Callable[[Members], Members],
) -> Path:
    """Open a package, change its members, and re-encrypt them validly to ``recipient``."""
    write_members(dst, change(read_members(src, identity)), recipient)
    return dst
