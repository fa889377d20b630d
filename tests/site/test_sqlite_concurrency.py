"""The embedded SQLite default: WAL, and writers that queue instead of failing or forking the chain."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import run

WRITER = """
from yakuba.audit.log import record
for i in range(40):
    record("test.concurrent", target_type="writer", target_id=i)
"""


@pytest.mark.smoke
def test_concurrent_writers_keep_one_intact_chain(tmp_path: Path) -> None:
    assert run(["demo", "--no-serve", "--no-linkage"], tmp_path).returncode == 0
    db = tmp_path / "yakuba.sqlite3"
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
        before = conn.execute("select count(*) from audit_auditentry").fetchone()[0]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["YAKUBA_DATA"] = str(tmp_path)
    procs = [subprocess.Popen([sys.executable, "-m", "yakuba.cli", "manage", "shell", "-c", WRITER], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [r[1][-500:] for r in results]
    with sqlite3.connect(db) as conn:
        after = conn.execute("select count(*) from audit_auditentry").fetchone()[0]
        seqs = [r[0] for r in conn.execute("select seq from audit_auditentry order by seq")]
    assert after == before + 120
    assert seqs == list(range(1, after + 1))
    verified = run(["audit", "verify"], tmp_path)
    assert verified.returncode == 0, verified.stderr
