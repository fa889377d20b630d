"""A database that is not ready or a bad DATABASE_URL is one clear line and exit 1, never a
traceback and never called an internal error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

YAKUBA = [sys.executable, "-m", "yakuba.cli"]


def _run(args, data, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE_URL"))}
    environment.update({"YAKUBA_DATA": str(data), **env})
    return subprocess.run(YAKUBA + args, env=environment, capture_output=True, text=True, timeout=120)


@pytest.mark.smoke
def test_it_works(tmp_path):
    result = _run(["audit", "verify"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "yakuba manage migrate" in result.stderr


@pytest.mark.parametrize("url, words", [
    ("foo://nowhere/x", "DATABASE_URL"),
    ("postgres://nobody@127.0.0.1:1/x", "データベースを使えません"),
])
def test_a_bad_database_url_is_one_line(tmp_path, url, words):
    result = _run(["audit", "verify"], tmp_path, DATABASE_URL=url)
    assert result.returncode == 1
    assert words in result.stderr and "内部エラー" not in result.stderr and "Traceback" not in result.stderr
