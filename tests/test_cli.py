"""The `yakuba` command end to end, as a newcomer runs it, each in a fresh data directory."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

YAKUBA = [sys.executable, "-m", "yakuba.cli"]
SUBCOMMANDS = ["demo", "serve", "worker", "audit", "package", "privacy", "council", "upgrade", "debit", "manage"]


def run(args: list[str], data: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["YAKUBA_DATA"] = str(data)
    return subprocess.run(YAKUBA + args, env=env, capture_output=True, text=True, timeout=300, **kw)  # type: ignore[call-overload]


def test_help_lists_every_subcommand_with_a_description(tmp_path: Path) -> None:
    out = run(["--help"], tmp_path).stdout
    for name in SUBCOMMANDS:
        line = next((l for l in out.splitlines() if l.strip().startswith(name + " ")), "")
        assert line.strip() != name and len(line.split()) > 1, f"{name} has no description"
    privacy = run(["privacy", "--help"], tmp_path).stdout
    for name in ["fields", "verify-certificate", "backup-key", "restore-key", "rotate-key"]:
        assert name in privacy
    assert all(x in run(["package", "--help"], tmp_path).stdout for x in ["create", "verify", "open"])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo")
    result = run(["demo", "--no-serve", "--logins-json", str(data / "logins.json")], data)
    assert result.returncode == 0, result.stderr
    return data


@pytest.mark.smoke
def test_demo_sets_up_prints_logins_and_writes_them_as_json(demo: Path) -> None:
    logins = json.loads((demo / "logins.json").read_text(encoding="utf-8"))
    roles = {x["role"] for x in logins}
    assert roles == {"vendor_operator", "vendor_responsible", "city_staff", "city_supervisor", "council_member", "admin",
                     "center_worker", "center_supervisor", "agency_staff", "health_staff"}
    by_name = {x["username"]: x for x in logins}
    assert [x["username"] for x in logins if x["role"] == "center_worker"] == ["worker", "worker2"]
    assert by_name["worker"]["totp_secret"] and by_name["center-chief"]["totp_secret"]  # they see names
    assert by_name["agency"]["totp_secret"]  # sees, in clear, what was shared with its organisation
    for name in ("worker", "worker2", "center-chief"):  # the centre's logins are on registered terminals
        cookie = by_name[name]["terminal_cookie"]
        assert cookie["name"] == "yakuba_terminal" and len(cookie["value"]) > 40
    assert "terminal_cookie" not in by_name["agency"] and "terminal_cookie" not in by_name["welfare"]
    assert all(x["username"] and len(x["password"]) >= 12 for x in logins)
    assert oct((demo / "demo-logins.json").stat().st_mode & 0o777) == "0o600"


def test_demo_is_idempotent_and_keeps_the_logins(demo: Path) -> None:
    first = json.loads((demo / "logins.json").read_text(encoding="utf-8"))
    again = run(["demo", "--no-serve", "--logins-json", str(demo / "again.json")], demo)
    assert again.returncode == 0, again.stderr
    assert json.loads((demo / "again.json").read_text(encoding="utf-8")) == first


@pytest.mark.smoke
def test_audit_verify_says_ok_then_names_an_altered_entry(tmp_path: Path) -> None:
    assert run(["demo", "--no-serve", "--no-linkage"], tmp_path).returncode == 0
    ok = run(["audit", "verify"], tmp_path)
    assert ok.returncode == 0 and "OK" in ok.stdout
    db = sqlite3.connect(tmp_path / "yakuba.sqlite3")
    count = db.execute("select count(*) from audit_auditentry").fetchone()[0]
    assert count > 5
    target = count // 2
    db.execute("update audit_auditentry set target_id = 'tampered' where seq = ?", (target,))
    db.commit()
    db.close()
    bad = run(["audit", "verify"], tmp_path)
    assert bad.returncode == 1
    assert f"#{target}" in bad.stderr and "Traceback" not in bad.stderr


def test_privacy_fields_lists_the_declarations(demo: Path) -> None:
    result = run(["privacy", "fields", "--json"], demo)
    rows = json.loads(result.stdout)
    labels = {r["field"] for r in rows}
    assert "intake.Application.child_name" in labels and "accounts.User.email" in labels
    assert all(r["purpose"] and r["retention"] for r in rows)


def test_the_demo_certificate_verifies_and_a_forged_one_does_not(demo: Path) -> None:
    db = sqlite3.connect(demo / "yakuba.sqlite3")
    body = bytes(db.execute("select body from vault_erasurecertificate").fetchone()[0])
    db.close()
    (demo / "cert.json").write_bytes(body)
    good = run(["privacy", "verify-certificate", str(demo / "cert.json")], demo)
    assert good.returncode == 0 and "OK" in good.stdout, good.stderr
    forged = body.replace(b"responsible", b"responsiblf")
    assert forged != body
    (demo / "forged.json").write_bytes(forged)
    bad = run(["privacy", "verify-certificate", str(demo / "forged.json")], demo)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and bad.stderr.strip()


def test_bad_input_gets_one_line_and_no_traceback(demo: Path) -> None:
    (demo / "garbage.json").write_bytes(b"\x00\xff not a certificate")
    result = run(["privacy", "verify-certificate", str(demo / "garbage.json")], demo)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_reset_starts_clean(tmp_path: Path) -> None:
    assert run(["demo", "--no-serve", "--no-linkage", "--logins-json", str(tmp_path / "a.json")], tmp_path).returncode == 0
    reset = run(["demo", "--no-serve", "--no-linkage", "--reset", "--logins-json", str(tmp_path / "b.json")], tmp_path)
    assert reset.returncode == 0, reset.stderr
    first = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert [x["password"] for x in first] != [x["password"] for x in second]  # new city, new logins
    assert run(["audit", "verify"], tmp_path).returncode == 0


@pytest.mark.parametrize("args", [
    ["privacy", "verify-certificate", "/nonexistent/cert.json"],
    ["package", "receipt", "/nonexistent/receipt.json"],
    ["package", "verify", "/nonexistent/p.yakuba", "--as", "kodomo"],
    ["package", "create", "--from", "vendor-entry", "--to", "kodomo", "--out", "/tmp/x.yakuba", "--passphrase-file", "/nonexistent/pass", "/etc/hostname"],
])
def test_a_missing_file_is_one_line_not_a_traceback(demo: Path, args: list[str]) -> None:
    result = run(args, demo)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
