"""Two cities and the hub on loopback (`yakuba.linkage.loopback`, what `yakuba demo` starts): a process that
started them and is then killed outright (SIGKILL: no cleanup of its own) takes them with it, so the next
start in the same folder finds no old hub holding its log's lock, and keeps the keys made the first time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from yakuba.linkage.loopback import City, Loopback

CITIES = (City("city-a", "A市（サンプル）"), City("city-b", "B町（サンプル）"))
STARTER = """
import sys, time
from yakuba.linkage.loopback import City, Loopback
loop = Loopback(sys.argv[1], (City("city-a", "A市（サンプル）"), City("city-b", "B町（サンプル）")))
loop.prepare()
running = loop.start(witness_every=0)
print(" ".join(str(p.pid) for p in running.processes), flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/status").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()


def test_it_works(tmp_path: Path):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[3] / "src"))
    starter = subprocess.Popen([sys.executable, "-c", STARTER, str(tmp_path / "linkage")], stdout=subprocess.PIPE,
                               text=True, env=env)
    pids = [int(p) for p in starter.stdout.readline().split()]  # type: ignore[union-attr]
    assert len(pids) == 3 and all(alive(p) for p in pids)
    hub_key = (tmp_path / "linkage" / "hub" / "hub.key").read_bytes()
    starter.send_signal(signal.SIGKILL)
    starter.wait()
    deadline = time.monotonic() + 30
    while any(alive(p) for p in pids):
        assert time.monotonic() < deadline, "a service outlived the process that started it"
        time.sleep(0.1)

    loop = Loopback(tmp_path / "linkage", CITIES)
    loop.prepare()
    with loop.start(witness_every=0) as running:
        assert running.hub.startswith("https://127.0.0.1:") and len(running.intermediates) == 2
    assert (tmp_path / "linkage" / "hub" / "hub.key").read_bytes() == hub_key
