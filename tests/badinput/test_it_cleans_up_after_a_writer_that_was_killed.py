"""A process killed while it writes an output leaves the old file whole and at most a hidden temp
file beside it; the next write of that output removes the temp file (and leaves those of a writer
still running alone)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from yakuba.files import remove_abandoned_temps, write_bytes_atomic

SLOW_WRITER = """
import sys, time
from yakuba.files import write_atomic
def writer(f):
    f.write(b"half of the new content")
    f.flush()
    print("writing", flush=True)
    time.sleep(60)
write_atomic(sys.argv[1], writer)
"""


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_it_works(tmp_path: Path) -> None:
    out = tmp_path / "result.csv"
    out.write_bytes(b"the old content\n")
    child = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        assert len(_temps(tmp_path)) == 1
        assert remove_abandoned_temps(out) == []  # its writer still runs: left alone
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert out.read_bytes() == b"the old content\n" and len(_temps(tmp_path)) == 1

    write_bytes_atomic(out, b"the rerun's content\n")
    assert out.read_bytes() == b"the rerun's content\n"
    assert _temps(tmp_path) == []


def test_the_temps_of_other_files_are_not_touched(tmp_path: Path) -> None:
    other = tmp_path / ".result.csv.bak.1-0123456789ab.tmp"
    stranger = tmp_path / ".notes.txt.999999999-0123456789ab.tmp"
    other.write_bytes(b"x")
    stranger.write_bytes(b"y")
    write_bytes_atomic(tmp_path / "result.csv", b"z")
    assert other.exists() and stranger.exists()
