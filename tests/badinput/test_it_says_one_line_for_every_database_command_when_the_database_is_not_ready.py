"""Every subcommand that touches the database says one line (exit 1) on an unmigrated database, an
unreachable one, or a DATABASE_URL of no known kind — never a traceback, never an internal error.
(`serve` is left out: on a database that works it starts serving; `demo` migrates for itself.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

YAKUBA = [sys.executable, "-m", "yakuba.cli"]

COMMANDS = [
    ["audit", "verify"],
    ["worker", "--batch"],
    ["package", "create", "--from", "vendor-entry", "--to", "kodomo", "--out", "{d}/p.yakuba", "{d}/in.csv"],
    ["package", "verify", "{d}/in.csv", "--as", "kodomo"],
    ["package", "open", "{d}/in.csv", "{d}/dest", "--as", "kodomo"],
    ["package", "receipt", "{d}/receipt.json"],
    ["privacy", "rotate-key"],
    ["council", "report", "--out", "{d}/report.pdf"],
    ["upgrade", "check"],
    ["debit", "journal", "--month", "2026-11"],
    ["demo", "--no-serve"],
]
BROKEN = {
    "unmigrated": {},
    "unknown scheme": {"DATABASE_URL": "foo://nowhere/x"},
    "unreachable": {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/x"},
}


def _run(args: list[str], data: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE_URL"))}
    environment.update({"YAKUBA_DATA": str(data), **env})
    return subprocess.run(YAKUBA + [a.format(d=data) for a in args], env=environment, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("broken", list(BROKEN))
@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_it_works(tmp_path, command, broken) -> None:  # type: ignore[no-untyped-def]
    if command[0] == "demo" and broken == "unmigrated":
        pytest.skip("the demo migrates its own database")
    if command[0] == "upgrade" and broken == "unmigrated":
        pytest.skip("a new database has no running release to break: upgrade check says so (exit 0)")
    (tmp_path / "in.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "receipt.json").write_text('{"receipt": {"package_id": "00000000-0000-0000-0000-000000000000"}}')
    result = _run(command, tmp_path, BROKEN[broken])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr and "内部エラー" not in result.stderr, result.stderr
