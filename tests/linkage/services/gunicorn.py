"""`yakuba linkage hub|intermediate serve` (gunicorn) in a child process, for the tests of the services."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import yakuba


@contextmanager
def serving(service: str, *options: str, port: int = 0) -> Iterator[str]:
    """Start `yakuba linkage SERVICE serve --port PORT OPTIONS…` (0: any free port); yield its URL; stop it
    with SIGTERM."""
    env = {**os.environ, "PYTHONPATH": str(Path(yakuba.__file__).parents[1])}
    process = subprocess.Popen([sys.executable, "-m", "yakuba.cli", "linkage", service, "serve", "--port", str(port),
                                "--threads", "4", *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env)
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        found = re.search(r"https://[0-9.]+:[0-9]+", line)
        assert found, f"{service} did not start: {line!r} {process.stderr.read() if process.poll() is not None else ''}"  # type: ignore[union-attr]
        yield found.group(0)
    finally:
        process.terminate()
        process.communicate(timeout=30)
