"""encrypt_file / decrypt_file: a wrapped key per object, atomic writes, nothing half-written."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from yakuba.privacy import envelope
from yakuba.privacy.envelope import decrypt_file, encrypt_file, wrap_context
from yakuba.privacy.errors import DecryptionError
from yakuba.privacy.keys import Keyring

PLAIN = "申請書 (synthetic) ".encode() * 10_000


def test_it_round_trips(keyring: Keyring, tmp_path: Path) -> None:
    (tmp_path / "scan.png").write_bytes(PLAIN)
    wrapped, info = encrypt_file(tmp_path / "scan.png", tmp_path / "scan.enc", keyring, "scan-0001")
    sealed = (tmp_path / "scan.enc").read_bytes()
    assert PLAIN[:64] not in sealed
    assert stat.S_IMODE((tmp_path / "scan.enc").stat().st_mode) == 0o600
    assert keyring.unwrap(wrapped, wrap_context("scan-0001"))  # the key is bound to the object
    out = io.BytesIO()
    assert decrypt_file(tmp_path / "scan.enc", out, keyring, wrapped, "scan-0001") == info
    assert out.getvalue() == PLAIN
    assert info.plain_size == len(PLAIN)


def test_it_refuses_a_wrapped_key_of_another_object(keyring: Keyring, tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"a")
    (tmp_path / "b").write_bytes(b"b")
    wrapped_a, _ = encrypt_file(tmp_path / "a", tmp_path / "a.enc", keyring, "obj-a")
    encrypt_file(tmp_path / "b", tmp_path / "b.enc", keyring, "obj-b")
    with pytest.raises(DecryptionError):
        decrypt_file(tmp_path / "b.enc", io.BytesIO(), keyring, wrapped_a, "obj-b")


def test_it_leaves_nothing_half_written_on_failure(
    keyring: Keyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "scan.png").write_bytes(PLAIN)
    (tmp_path / "scan.enc").write_bytes(b"previous version")

    def failing(src, dst, data_key, object_id, **kw):  # type: ignore[no-untyped-def]
        dst.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(envelope, "encrypt_stream", failing)
    with pytest.raises(OSError, match="disk full"):
        encrypt_file(tmp_path / "scan.png", tmp_path / "scan.enc", keyring, "scan-0001")
    assert (tmp_path / "scan.enc").read_bytes() == b"previous version"
    assert sorted(os.listdir(tmp_path)) == ["keys", "scan.enc", "scan.png"]
