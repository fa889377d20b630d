"""The rolling upgrade, for real, on PostgreSQL: the previous release (its code taken from git, `OLD`) migrates
a database of its own and serves it on gunicorn while a load generator keeps using the screens (the
login page, a login, the home page of a logged-in user). The new release (this code) checks its
migrations (`yakuba upgrade check`), migrates the same database while the old one keeps serving, starts
serving, takes the load, and the old one is stopped. Not one request fails, and the old release served
requests while the migration ran.

PostgreSQL only (DATABASE_URL): the database the new code is released on; SQLite allows one writer."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

ROOT = Path(__file__).parents[2]
OLD = "5a530d8"  # the release landed before these migrations (health 0003, council 0001, debit 0002)
PASSWORD = "upgrade-test-synthetic-passw0rd"
URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(not URL.startswith("postgres"), reason="the upgrade test runs on PostgreSQL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database() -> Iterator[str]:
    import psycopg

    name = f"yakuba_upgrade_{os.getpid()}"
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(URL)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def old_release(folder: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", OLD, "src"], capture_output=True, check=True).stdout
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def environment(src: Path, data: Path, db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "YAKUBA_"))}
    env.update(PYTHONPATH=str(src), YAKUBA_DATA=str(data), DATABASE_URL=db,
               YAKUBA_CITY_PROFILE=str(src / "yakuba" / "profiles" / "midori"))
    return env


def yakuba(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yakuba.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600, cwd=env["YAKUBA_DATA"])


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "yakuba.cli", "serve", "--port", str(port), "--workers", "2"],
                                env=env, stdout=out, stderr=subprocess.STDOUT, cwd=env["YAKUBA_DATA"],
                                start_new_session=True)


def wait_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")[-2000:]
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{base} did not start: {log.read_text(errors='replace')[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Load:
    """Threads using the screens of whichever server `target` names, counting every answer by time."""

    def __init__(self, target: list[str], threads: int = 4) -> None:
        self.target = target
        self.failures: list[str] = []
        self.done: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def start(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=30)

    def _one(self, base: str) -> None:
        session = requests.Session()
        page = session.get(f"{base}/login/", timeout=30)
        self._check(base, "GET /login/", page, (200,))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        login = session.post(f"{base}/login/", data={"csrfmiddlewaretoken": token, "username": "upgrade-operator",
                                                    "password": PASSWORD}, timeout=30, allow_redirects=False)
        self._check(base, "POST /login/", login, (302,))
        self._check(base, "GET /", session.get(f"{base}/", timeout=30), (200,))

    def _check(self, base: str, what: str, response: requests.Response, ok: tuple[int, ...]) -> None:
        with self._lock:
            if response.status_code in ok:
                self.done.append((time.monotonic(), base))
            else:
                self.failures.append(f"{base} {what} → {response.status_code}")

    def _run(self) -> None:
        while not self._stop.is_set():
            base = self.target[0]
            try:
                self._one(base)
            except (requests.RequestException, AttributeError) as exc:
                with self._lock:
                    self.failures.append(f"{base}: {type(exc).__name__}: {exc}")


def test_it_works(tmp_path: Path) -> None:
    old_src = old_release(tmp_path / "old")
    data = tmp_path / "data"
    data.mkdir()
    with database() as db:
        old_env, new_env = environment(old_src, data, db), environment(ROOT / "src", data, db)
        migrated = yakuba(old_env, "manage", "migrate", "--no-input")
        assert migrated.returncode == 0, migrated.stderr
        made = yakuba(old_env, "manage", "shell", "-c", (
            "from yakuba.accounts.models import User; from yakuba.accounts.roles import Role; "
            "from yakuba.accounts.grants import without_second_person; "
            "u = User(username='upgrade-operator', role=Role.VENDOR_OPERATOR); "
            f"u.set_password('{PASSWORD}'); "
            "exec('with without_second_person(\"upgrade test\"):\\n    u.save()')"))
        assert made.returncode == 0, made.stderr
        checked = yakuba(new_env, "upgrade", "check")
        assert checked.returncode == 0, checked.stderr

        old_port, new_port = free_port(), free_port()
        old_base, new_base = f"http://127.0.0.1:{old_port}", f"http://127.0.0.1:{new_port}"
        old = serve(old_env, old_port, tmp_path / "old.log")
        new = None
        target = [old_base]
        load = Load(target)
        try:
            wait_up(old_base, old, tmp_path / "old.log")
            load.start()
            time.sleep(2)
            started = time.monotonic()
            upgraded = yakuba(new_env, "manage", "migrate", "--no-input")  # while the old release serves
            finished = time.monotonic()
            assert upgraded.returncode == 0, upgraded.stderr
            time.sleep(2)
            new = serve(new_env, new_port, tmp_path / "new.log")
            wait_up(new_base, new, tmp_path / "new.log")
            target[0] = new_base  # the balancer sends new requests to the new release…
            time.sleep(3)
            stop(old)  # …then the old one is stopped (gracefully: what it was answering completes)
            time.sleep(2)
        finally:
            load.stop()
            stop(old)
            if new is not None:
                stop(new)
        assert load.failures == [], load.failures[:10]
        during = [t for t, base in load.done if base == old_base and started <= t <= finished]
        after = [t for t, base in load.done if base == new_base]
        print(f"requests: {len(load.done)}; old release during the migration: {len(during)}; new release: {len(after)}")
        assert len(during) >= 3 and after, (len(during), len(after))
