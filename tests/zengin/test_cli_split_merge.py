"""`yakuba zengin split|simulate|merge` from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.zengin.test_simulate_split_merge import request
from yakuba.zengin.codec import check


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yakuba.cli", "zengin", *args], capture_output=True, text=True,
                          timeout=60)


def test_it_splits_simulates_and_merges(tmp_path: Path) -> None:
    req = tmp_path / "req.txt"
    req.write_bytes(request(12))
    result = _cli("split", str(req), "--out-dir", str(tmp_path / "parts"))
    assert result.returncode == 0, result.stderr
    parts = sorted((tmp_path / "parts").iterdir())
    assert [p.name for p in parts] == ["req.0001.txt", "req.0005.txt", "req.0009.txt", "req.9900.txt"]
    results = []
    for part in parts:
        out = tmp_path / f"res.{part.name}"
        assert _cli("simulate", str(part), "--seed", "2", "--mix", "0=0.5,1=0.5", "--out", str(out)).returncode == 0
        results.append(str(out))
    merged = tmp_path / "merged.txt"
    assert _cli("merge", *results, "--out", str(merged)).returncode == 0
    s = check(merged.read_bytes())
    assert s.data_records == 18 and s.transferred_amount + s.failed_amount == check(req.read_bytes()).total_amount


def test_it_refuses_to_simulate_a_result(tmp_path: Path) -> None:
    req = tmp_path / "req.txt"
    req.write_bytes(request(4))
    res = tmp_path / "res.txt"
    assert _cli("simulate", str(req), "--out", str(res)).returncode == 0
    again = _cli("simulate", str(res))
    assert again.returncode == 1 and "not a request" in again.stderr and "Traceback" not in again.stderr
