"""`yakuba relay serve` (gunicorn) in a child process, for the tests of the production server."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import yakuba


@contextmanager
def serving(store: Path, *options: str) -> Iterator[str]:
    """Start `yakuba relay serve --store STORE --port 0 OPTIONS…`; yield its URL; stop it with SIGTERM."""
    env = {**os.environ, "PYTHONPATH": str(Path(yakuba.__file__).parents[1])}
    process = subprocess.Popen([sys.executable, "-m", "yakuba.cli", "relay", "serve", "--store", str(store),
                                "--port", "0", *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env)
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert "listening" in line, f"the relay did not start: {line!r} {process.stderr.read() if process.poll() is not None else ''}"  # type: ignore[union-attr]
        yield line.split()[2]
    finally:
        process.terminate()
        process.communicate(timeout=30)
