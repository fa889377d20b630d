"""`yakuba privacy rotate-key` and `backup-key` are entries of the audit chain when the database is there."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tests.test_cli import run


def test_it_works(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(["manage", "migrate", "--noinput"], data).returncode == 0
    os.environ.setdefault("KEYPASS_FOR_TEST", "a-long-backup-passphrase-1")
    backup = run(["privacy", "backup-key", str(tmp_path / "keys.age"), "--passphrase-env", "KEYPASS_FOR_TEST"], data)
    assert backup.returncode == 0, backup.stderr
    rotated = run(["privacy", "rotate-key"], data)
    assert rotated.returncode == 0, rotated.stderr
    actions = [a for (a,) in sqlite3.connect(data / "yakuba.sqlite3").execute("select action from audit_auditentry order by seq")]
    assert actions == ["key.backed_up", "key.rotated"]
    assert run(["audit", "verify"], data).returncode == 0
