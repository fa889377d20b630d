"""Master-key custody through the CLI: back up, rotate, lose the keys, restore."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path


from tests.test_cli import run

READ_ALL = """
import io
from yakuba.vault.models import StoredObject
from yakuba.vault.service import read
live = StoredObject.objects.filter(erased_at__isnull=True)
magic = {"scan": (b"\\x89PNG", b"\\xff\\xd8\\xff"), "notice": b"%PDF-", "zengin": b"191"}  # scans: PNG uploads, JPEG pages
for obj in live:
    out = io.BytesIO(); read(obj, out); assert out.getvalue().startswith(magic.get(obj.kind, b"")), (obj.pk, obj.kind)
print("read", live.count(), "scans", live.filter(kind="scan").count())
"""


def _read_all(data: Path) -> str:
    result = run(["manage", "shell", "-c", READ_ALL], data)
    assert result.returncode == 0, result.stderr[-800:]
    return result.stdout


def test_backup_rotate_and_restore(tmp_path: Path) -> None:
    data = tmp_path / "city"
    assert run(["demo", "--no-serve", "--no-linkage"], data).returncode == 0
    before = _read_all(data)
    assert re.search(r"scans [1-9]", before)  # the demo's scans, and the water department's files and letters
    os.environ["YAKUBA_TEST_KEY_PASSPHRASE"] = "synthetic key passphrase 2026"
    try:
        rotated = run(["privacy", "rotate-key"], data)
        assert rotated.returncode == 0, rotated.stderr
        assert _read_all(data) == before

        backup = tmp_path / "keys.backup"
        made = run(["privacy", "backup-key", str(backup), "--passphrase-env", "YAKUBA_TEST_KEY_PASSPHRASE"], data)
        assert made.returncode == 0, made.stderr
        assert b"master" not in backup.read_bytes()  # encrypted, not a copy of the key files

        shutil.rmtree(data / "keys")
        os.environ["YAKUBA_TEST_KEY_PASSPHRASE"] = "not the passphrase"
        wrong = run(["privacy", "restore-key", str(backup), "--passphrase-env", "YAKUBA_TEST_KEY_PASSPHRASE"], data)
        assert wrong.returncode != 0 and "Traceback" not in wrong.stderr
        os.environ["YAKUBA_TEST_KEY_PASSPHRASE"] = "synthetic key passphrase 2026"
        restored = run(["privacy", "restore-key", str(backup), "--passphrase-env", "YAKUBA_TEST_KEY_PASSPHRASE"], data)
        assert restored.returncode == 0, restored.stderr
        assert _read_all(data) == before
        assert run(["audit", "verify"], data).returncode == 0  # the audit key came back too
    finally:
        del os.environ["YAKUBA_TEST_KEY_PASSPHRASE"]


def test_restore_refuses_to_overwrite_live_keys(tmp_path: Path) -> None:
    data = tmp_path / "city"
    assert run(["demo", "--no-serve", "--no-linkage"], data).returncode == 0
    os.environ["YAKUBA_TEST_KEY_PASSPHRASE"] = "synthetic key passphrase 2026"
    try:
        assert run(["privacy", "backup-key", str(tmp_path / "b"), "--passphrase-env", "YAKUBA_TEST_KEY_PASSPHRASE"], data).returncode == 0
        again = run(["privacy", "restore-key", str(tmp_path / "b"), "--passphrase-env", "YAKUBA_TEST_KEY_PASSPHRASE"], data)
        assert again.returncode != 0 and "Traceback" not in again.stderr
    finally:
        del os.environ["YAKUBA_TEST_KEY_PASSPHRASE"]
