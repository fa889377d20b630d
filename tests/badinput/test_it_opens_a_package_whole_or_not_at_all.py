"""`yakuba package open`: a receipt that cannot be written refuses the package untouched (a retry
then works, it is no replay); a staging folder left by a killed open is removed by the next; a wrong
passphrase is exit 4."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import run


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("badpackage")
    assert run(["demo", "--no-serve", "--no-linkage"], data).returncode == 0
    (data / "applications.csv").write_text("受付番号,基準点\nR8-0001,20\n", encoding="utf-8")
    (data / "pass").write_text("synthetic-usb-passphrase\n", encoding="utf-8")
    return data


def _create(site: Path, out: str, *extra: str) -> Path:
    result = run(["package", "create", "--from", "vendor-entry", "--to", "kodomo", "--out", str(site / out),
                  *extra, str(site / "applications.csv")], site)
    assert result.returncode == 0, result.stderr
    return site / out


def _one_line(stderr: str) -> bool:
    return len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr and "内部エラー" not in stderr


def test_it_refuses_an_unwritable_receipt_before_accepting_and_a_retry_works(site: Path) -> None:
    package = _create(site, "r1.yakuba")
    dest = site / "dest-r1"
    bad = run(["package", "open", str(package), str(dest), "--as", "kodomo",
               "--receipt", str(site / "no-such-folder" / "receipt.json")], site)
    assert bad.returncode == 1 and _one_line(bad.stderr) and "receipt.json" in bad.stderr, bad.stderr
    assert not dest.exists() or not any(dest.iterdir())
    good = run(["package", "open", str(package), str(dest), "--as", "kodomo", "--receipt", str(site / "r1.json")], site)
    assert good.returncode == 0, good.stderr
    assert (dest / "applications.csv").exists() and (site / "r1.json").read_bytes().startswith(b"{")


def test_it_refuses_a_receipt_path_that_is_a_link(site: Path) -> None:
    package = _create(site, "r2.yakuba")
    (site / "r2.json").symlink_to(site / "elsewhere.json")
    bad = run(["package", "open", str(package), str(site / "dest-r2"), "--as", "kodomo",
               "--receipt", str(site / "r2.json")], site)
    assert bad.returncode == 1 and _one_line(bad.stderr), bad.stderr
    assert not (site / "elsewhere.json").exists()
    assert not (site / "dest-r2").exists() or not any((site / "dest-r2").iterdir())


def test_it_removes_what_a_killed_open_left_in_dest(site: Path) -> None:
    package = _create(site, "r3.yakuba")
    dest = site / "dest-r3"
    left = dest / ".yakuba-incoming-999999999-0123456789abcdef"  # no such process: killed
    left.mkdir(parents=True)
    (left / "applications.csv").write_text("unverified plaintext", encoding="utf-8")
    ok = run(["package", "open", str(package), str(dest), "--as", "kodomo"], site)
    assert ok.returncode == 0, ok.stderr
    assert sorted(p.name for p in dest.iterdir()) == ["applications.csv"]


def test_it_says_exit_4_for_a_wrong_passphrase(site: Path) -> None:
    package = _create(site, "r4.yakuba", "--passphrase-file", str(site / "pass"))
    (site / "wrong").write_text("not it\n", encoding="utf-8")
    bad = run(["package", "open", str(package), str(site / "dest-r4"), "--as", "kodomo",
               "--passphrase-file", str(site / "wrong")], site)
    assert bad.returncode == 4 and _one_line(bad.stderr) and "パスフレーズが違います" in bad.stderr, bad.stderr
    assert not (site / "dest-r4").exists() or not any((site / "dest-r4").iterdir())
    assert not (site / "r4.yakuba.receipt.json").exists()
