"""Hand-over packages through `yakuba package`: round trip; tampered, misaddressed, replayed refused."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.test_cli import run


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("handover")
    assert run(["demo", "--no-serve", "--no-linkage"], data).returncode == 0
    files = data / "payload"
    files.mkdir()
    (files / "applications.csv").write_text("受付番号,基準点\nR8-0001,20\n", encoding="utf-8")
    (files / "scores.json").write_bytes(os.urandom(5000))
    return data


def _create(site: Path, out: str, *extra: str) -> None:
    result = run(["package", "create", "--from", "vendor-entry", "--to", "kodomo", "--out", str(site / out),
                  *extra, str(site / "payload" / "applications.csv"), str(site / "payload" / "scores.json")], site)
    assert result.returncode == 0, result.stderr


def _refusals(site: Path) -> int:
    import sqlite3

    db = sqlite3.connect(site / "yakuba.sqlite3")
    n = db.execute("select count(*) from audit_auditentry where action = 'package.refused'").fetchone()[0]
    db.close()
    return n


@pytest.mark.smoke
def test_round_trip_then_replay_is_refused(site: Path) -> None:
    _create(site, "p1.yakuba")
    assert run(["package", "verify", str(site / "p1.yakuba"), "--as", "kodomo"], site).returncode == 0
    dest = site / "received"
    opened = run(["package", "open", str(site / "p1.yakuba"), str(dest), "--as", "kodomo"], site)
    assert opened.returncode == 0, opened.stderr
    assert (dest / "applications.csv").read_text(encoding="utf-8").startswith("受付番号")
    assert (dest / "scores.json").read_bytes() == (site / "payload" / "scores.json").read_bytes()

    # The sender checks the signed receipt; a receipt with one byte changed is refused.
    receipt = site / "p1.yakuba.receipt.json"
    confirmed = run(["package", "receipt", str(receipt)], site)
    assert confirmed.returncode == 0 and "OK" in confirmed.stdout, confirmed.stderr
    # (the demo city has delivered a package already, so the number is not 1: bump whatever it is)
    forged = re.sub(rb'"sequence":(\d+)', lambda m: b'"sequence":%d' % (int(m.group(1)) + 1), receipt.read_bytes())
    assert forged != receipt.read_bytes()
    (site / "forged.receipt.json").write_bytes(forged)
    refused = run(["package", "receipt", str(site / "forged.receipt.json")], site)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr

    before = _refusals(site)
    replay = run(["package", "open", str(site / "p1.yakuba"), str(site / "again"), "--as", "kodomo"], site)
    assert replay.returncode != 0 and "Traceback" not in replay.stderr
    assert not (site / "again").exists() or not any((site / "again").iterdir())
    assert _refusals(site) == before + 1


def test_a_tampered_package_is_refused_and_logged(site: Path) -> None:
    _create(site, "p2.yakuba")
    data = bytearray((site / "p2.yakuba").read_bytes())
    data[len(data) // 2] ^= 0x01
    (site / "p2-bad.yakuba").write_bytes(bytes(data))
    before = _refusals(site)
    result = run(["package", "verify", str(site / "p2-bad.yakuba"), "--as", "kodomo"], site)
    assert result.returncode != 0 and "Traceback" not in result.stderr and result.stderr.strip()
    assert _refusals(site) == before + 1


def test_a_package_for_another_recipient_is_refused(site: Path) -> None:
    _create(site, "p3.yakuba")
    result = run(["package", "verify", str(site / "p3.yakuba"), "--as", "suido"], site)
    assert result.returncode != 0 and "Traceback" not in result.stderr


def test_a_package_encrypted_for_another_installation_is_refused(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-city"
    assert run(["demo", "--no-serve", "--no-linkage"], other).returncode == 0
    _create(site, "p4.yakuba")
    result = run(["package", "verify", str(site / "p4.yakuba"), "--as", "kodomo"], other)
    assert result.returncode != 0 and "Traceback" not in result.stderr


def test_passphrase_mode_for_removable_media(site: Path) -> None:
    env_name = "YAKUBA_TEST_PASSPHRASE"
    os.environ[env_name] = "synthetic-passphrase-for-tests"
    try:
        _create(site, "p5.yakuba", "--passphrase-env", env_name)
        ok = run(["package", "verify", str(site / "p5.yakuba"), "--as", "kodomo", "--passphrase-env", env_name], site)
        assert ok.returncode == 0, ok.stderr
        os.environ[env_name] = "wrong-passphrase"
        bad = run(["package", "verify", str(site / "p5.yakuba"), "--as", "kodomo", "--passphrase-env", env_name], site)
        assert bad.returncode != 0 and "Traceback" not in bad.stderr
    finally:
        del os.environ[env_name]
