"""No command line and no file makes `yakuba package create|verify|open|receipt` crash (exit 70 or a
traceback): random options, random bytes, and real packages and receipts cut, flipped or extended."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.admission.conftest import city
from tests.badinput.helpers import argv_strategy, yakuba

ACTIONS = ["create", "verify", "open", "receipt"]
WORDS = ["--from", "--to", "--as", "vendor-entry", "kodomo", "nobody", "--out", "--receipt", "--purpose",
         "--passphrase-env", "--passphrase-file", "YAKUBA_FUZZ_PASS", "IN/p.yakuba", "IN/data.csv", "IN/r.json",
         "IN/pass", "OUT", "OUT/p2.yakuba", "OUT/r2.json", "DEST"]
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _damaged(data: bytes, how: str, at: int, junk: bytes) -> bytes:
    at = at % max(len(data), 1)
    if how == "cut":
        return data[:at]
    if how == "flip":
        return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:] if data else data
    return data[:at] + junk + data[at:]


@pytest.fixture
def made(db, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    city()
    monkeypatch.setenv("YAKUBA_FUZZ_PASS", "synthetic-usb-passphrase")
    base = tmp_path
    (base / "data.csv").write_text("受付番号,基準点\nR8-0001,20\n", encoding="utf-8")
    ran = yakuba("package", "create", "--from", "vendor-entry", "--to", "kodomo", "--out", str(base / "p.yakuba"),
                 str(base / "data.csv"))
    assert ran.code == 0, ran.err
    dest = base / "dest"
    dest.mkdir()
    opened = yakuba("package", "open", str(base / "p.yakuba"), str(dest), "--as", "kodomo",
                    "--receipt", str(base / "r.json"))
    assert opened.code == 0, opened.err
    return (base / "p.yakuba").read_bytes(), (base / "r.json").read_bytes()


@SETTINGS
@given(action=st.sampled_from(ACTIONS), argv=argv_strategy(WORDS),
       how=st.sampled_from(["cut", "flip", "insert", "random"]), at=st.integers(0, 10**6),
       junk=st.binary(min_size=1, max_size=40))
def test_it_works(made, action: str, argv: list[str], how: str, at: int, junk: bytes) -> None:  # type: ignore[no-untyped-def]
    package, receipt = made
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for folder in ("IN", "OUT", "DEST"):
            (base / folder).mkdir()
        (base / "IN" / "p.yakuba").write_bytes(junk * 20 if how == "random" else _damaged(package, how, at, junk))
        (base / "IN" / "r.json").write_bytes(_damaged(receipt, how, at, junk))
        (base / "IN" / "data.csv").write_bytes(junk)
        (base / "IN" / "pass").write_bytes(junk)
        words = [str(base / w) if w.startswith(("IN", "OUT", "DEST")) else w for w in argv]
        ran = yakuba("package", action, *words)
        assert not ran.crashed, ran.err
        for what in (["verify", str(base / "IN" / "p.yakuba"), "--as", "kodomo"],
                     ["open", str(base / "IN" / "p.yakuba"), str(base / "DEST"), "--as", "kodomo",
                      "--receipt", str(base / "OUT" / "r3.json")],
                     ["receipt", str(base / "IN" / "r.json")]):
            ran = yakuba("package", *what)
            assert not ran.crashed, ran.err
