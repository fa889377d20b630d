"""No command line and no file makes `yakuba privacy …` crash (exit 70 or a traceback): random
options, random bytes, and a genuine erasure certificate edited anywhere (its JSON too)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.badinput.helpers import argv_strategy, edited, yakuba
from tests.privacy.test_certificate import CERT, KEY

ACTIONS = ["fields", "verify-certificate", "public-key", "backup-key", "restore-key"]
WORDS = ["--json", "--public-key", "--public-key-file", "--force", "--passphrase-env", "--passphrase-file",
         "YAKUBA_FUZZ_PASS", "IN/c.json", "IN/k.txt", "IN/pass", "OUT/backup.age", "ed25519:AAAA", "-"]
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.text(max_size=12), st.just([]),
                   st.just({}))


def _public_key_text() -> str:
    from base64 import b64encode

    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "ed25519:" + b64encode(raw).decode("ascii")



@pytest.mark.django_db
@SETTINGS
@given(action=st.sampled_from(ACTIONS), argv=argv_strategy(WORDS), data=st.binary(max_size=200),
       flip=st.integers(0, 10**5), stdin=st.binary(max_size=100))
def test_it_works(tmp_path, monkeypatch, action: str, argv: list[str], data: bytes, flip: int,  # type: ignore[no-untyped-def]
                  stdin: bytes) -> None:
    monkeypatch.setenv("YAKUBA_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("YAKUBA_FUZZ_PASS", "synthetic-backup-passphrase")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "IN").mkdir()
        (base / "OUT").mkdir()
        cert = bytearray(CERT)
        cert[flip % len(cert)] ^= 0x20
        (base / "IN" / "c.json").write_bytes(bytes(cert) if flip % 2 else data)
        (base / "IN" / "k.txt").write_bytes(data)
        (base / "IN" / "pass").write_bytes(data[:20])
        words = [str(base / w) if w.startswith(("IN", "OUT")) else w for w in argv]
        ran = yakuba("privacy", action, *words, stdin=stdin)
        assert not ran.crashed, ran.err


@SETTINGS
@given(path=st.lists(st.integers(0, 40), max_size=5), new=SCALAR)
def test_a_certificate_edited_anywhere_is_refused_in_one_line(tmp_path, path: list[int], new: Any) -> None:  # type: ignore[no-untyped-def]
    original = json.loads(CERT)
    changed = edited(json.loads(CERT), path, new)
    file = tmp_path / "c.json"
    file.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    ran = yakuba("privacy", "verify-certificate", str(file), "--public-key", _public_key_text())
    assert not ran.crashed, ran.err
    if changed != original:
        assert ran.code != 0 and ran.one_line, ran.err


def test_the_genuine_certificate_verifies(tmp_path) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "c.json"
    file.write_bytes(CERT)
    ran = yakuba("privacy", "verify-certificate", str(file), "--public-key", _public_key_text())
    assert ran.code == 0, ran.err


@pytest.mark.django_db
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # a backup is a slow KDF
@given(content=st.binary(max_size=60))
def test_any_bytes_as_a_passphrase_or_key_file_are_one_line(tmp_path, monkeypatch, content: bytes) -> None:  # type: ignore[no-untyped-def]
    """Found by the helper's reading of cli.py: a file that is not UTF-8 was an internal error."""
    monkeypatch.setenv("YAKUBA_DATA", str(tmp_path / "data"))
    given_file = tmp_path / "given"
    given_file.write_bytes(content)
    (tmp_path / "c.json").write_bytes(CERT)
    for argv in (["privacy", "backup-key", str(tmp_path / "b.age"), "--passphrase-file", str(given_file)],
                 ["privacy", "verify-certificate", str(tmp_path / "c.json"), "--public-key-file", str(given_file)]):
        ran = yakuba(*argv)
        assert not ran.crashed, ran.err
        (tmp_path / "b.age").unlink(missing_ok=True)


@pytest.mark.django_db
def test_a_passphrase_file_that_is_not_utf8_is_named(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YAKUBA_DATA", str(tmp_path / "data"))
    (tmp_path / "pass").write_bytes(b"\xff\xfe\x00bad")
    ran = yakuba("privacy", "backup-key", str(tmp_path / "b.age"), "--passphrase-file", str(tmp_path / "pass"))
    assert ran.code == 1 and ran.one_line and "UTF-8" in ran.err and str(tmp_path / "pass") in ran.err, ran.err
    assert not (tmp_path / "b.age").exists()
