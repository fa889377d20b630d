"""A command given a device or a FIFO where a file belongs (`zengin show /dev/zero`,
`exports identify` on a FIFO nobody writes to) says one line and exits 1 at once; it never
reads forever, nor writes into a device."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from yakuba.files import SpecialFile, check_not_special

COMMANDS = [
    ["zengin", "show", "{x}"],
    ["zengin", "check", "{x}"],
    ["privacy", "verify-certificate", "{x}"],
    ["package", "receipt", "{x}"],
    ["exports", "identify", "{x}"],
    ["allocate", "run", "{d}", "--out", "{x}"],
]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_it_works(command: list[str], special: str, fifo: Path, tmp_path: Path) -> None:
    target = str(fifo) if special == "fifo" else special
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE_URL"))}
    environment["YAKUBA_DATA"] = str(tmp_path / "data")
    try:
        result = subprocess.run([sys.executable, "-m", "yakuba.cli", *[a.format(x=target, d=tmp_path) for a in command]],
                                env=environment, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(command)} on {special} never returned")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1 and target in lines[0], result.stderr
    assert "デバイス・FIFO" in lines[0]


def test_files_folders_text_and_stdin_pass(tmp_path: Path, fifo: Path) -> None:
    (tmp_path / "f.txt").write_text("x")
    for value in [str(tmp_path / "f.txt"), str(tmp_path), "-", "", "a purpose in words", str(tmp_path / "missing"),
                  tmp_path, 7, None]:
        check_not_special(value)
    with pytest.raises(SpecialFile):
        check_not_special(fifo)
    os.symlink("/dev/null", tmp_path / "link")
    with pytest.raises(SpecialFile):
        check_not_special(str(tmp_path / "link"))
