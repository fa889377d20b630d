"""Two cities and the hub on loopback, as the demo and the end-to-end test run them: each service its own
process (gunicorn, mutual TLS), its own data folder and keys. Pure: no Django.

The folder (``$YAKUBA_DATA/linkage`` in the demo)::

    pki/                 a CA, the loopback server certificate, a client certificate per CN (hub, each city)
    hub/                 the hub's data folder (its 符号 key, the log and its signing key)
    <city id>/           each city's 中間サーバー (its institution keys, the 副本 store, its witness key)
    registry.json        the two cities' public entries, as the hub's operator gathered them
    profiles/<city id>/  each city's profile: a copy of the one given, with its linkage.toml
    logs/<service>.log   what each service printed

`prepare` makes what is missing and keeps what is there (keys are never replaced); `start` picks free
ports, starts the three services, waits until each listens, and writes each city's linkage.toml.
This is a way to run the services on one machine, never a default: a city's profile names real ones.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from yakuba.linkage.errors import LinkageError

__all__ = ["City", "Loopback", "Running"]

HUB_ORIGIN = "yakuba.example/linkage/loopback-hub"
START_TIMEOUT_S = 60.0
_URL = re.compile(r"https://127\.0\.0\.1:[0-9]+")


@dataclass(frozen=True)
class City:
    id: str
    name: str


@dataclass
class Running:
    """The services started by `Loopback.start`: their URLs and processes; `stop` ends them."""

    hub: str
    intermediates: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _end_with_parent() -> None:
    """In the child, before it runs: on Linux, SIGTERM when the process that started it dies, however it
    dies — a killed demo leaves no service holding a data folder's lock for the next run."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Loopback:
    def __init__(self, root: Path | str, cities: tuple[City, City]) -> None:
        self.root = Path(root)
        self.cities = cities

    @property
    def pki_dir(self) -> Path:
        return self.root / "pki"

    def profile_dir(self, city_id: str) -> Path:
        return self.root / "profiles" / city_id

    def prepare(self) -> None:
        """Make the PKI, each city's 中間サーバー, the registry and the hub — whatever is not there yet."""
        from yakuba.linkage.hub import Hub
        from yakuba.linkage.intermediate import Intermediate
        from yakuba.linkage.registry import registry_json
        from yakuba.relay.certs import make_pki

        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        make_pki(self.pki_dir, clients=["hub", *(c.id for c in self.cities)])
        publics = []
        for city in self.cities:
            folder = self.root / city.id
            server = (Intermediate(folder) if (folder / "intermediate.json").exists()
                      else Intermediate.init(folder, id=city.id, kind="市町村", name=city.name))
            with server:
                publics.append(server.public_json())
        registry = self.root / "registry.json"
        if not (self.root / "hub" / "hub.json").exists():
            registry.write_bytes(registry_json(publics))
            Hub.init(self.root / "hub", registry=registry, origin=HUB_ORIGIN).close()
        with Hub(self.root / "hub") as hub:
            log_key = hub.log_verifier.key_string()
        for city in self.cities:
            with Intermediate(self.root / city.id) as server:
                if server.registry is None:
                    server.connect(registry=registry, hub_log_key=log_key)

    def start(self, *, witness_every: float = 2.0) -> Running:
        """Start the hub and both 中間サーバー on free loopback ports; wait until each listens."""
        from yakuba.relay.certs import Pki

        pki = Pki(self.pki_dir)
        (self.root / "logs").mkdir(exist_ok=True, mode=0o700)
        hub_port, ports = _free_port(), {c.id: _free_port() for c in self.cities}
        hub_url = f"https://127.0.0.1:{hub_port}"
        urls = {c.id: f"https://127.0.0.1:{ports[c.id]}" for c in self.cities}
        tls = ["--cert", str(pki.server_cert), "--key", str(pki.server_key), "--ca", str(pki.ca)]
        running = Running(hub_url, urls)
        try:
            for city in self.cities:
                running.processes.append(self._spawn(city.id, [
                    "intermediate", "serve", "--data", str(self.root / city.id), *tls, "--port", str(ports[city.id]),
                    "--threads", "4", "--app-cn", city.id, "--hub", hub_url,
                    "--client-cert", str(pki.client_cert(city.id)), "--client-key", str(pki.client_key(city.id))]))
            running.processes.append(self._spawn("hub", [
                "hub", "serve", "--data", str(self.root / "hub"), *tls, "--port", str(hub_port), "--threads", "4",
                "--client-cert", str(pki.client_cert("hub")), "--client-key", str(pki.client_key("hub")),
                "--witness-every", str(witness_every),
                *[a for c in self.cities for a in ("--provider", f"{c.id}={urls[c.id]}")]]))
            for name in [*(c.id for c in self.cities), "hub"]:
                self._wait(name)
        except BaseException:
            running.stop()
            raise
        for city in self.cities:
            self._write_linkage_toml(city, running)
        return running

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = self.root / "logs" / f"{name}.log"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).parents[2]),
                                                                         os.environ.get("PYTHONPATH")])))
        with open(log, "wb") as out:
            return subprocess.Popen([sys.executable, "-m", "yakuba.cli", "linkage", *args], stdout=out,
                                    stderr=subprocess.STDOUT, env=env, start_new_session=True,
                                    preexec_fn=_end_with_parent)

    def _wait(self, name: str) -> None:
        log = self.root / "logs" / f"{name}.log"
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            if _URL.search(text):
                return
            if "yakuba linkage:" in text or "Traceback" in text:
                break
            time.sleep(0.1)
        tail = (log.read_text(encoding="utf-8", errors="replace") if log.exists() else "").strip().splitlines()[-3:]
        raise LinkageError(f"{name} が起動しません (did not start; see {log}): {' / '.join(tail)}", where=str(log))

    def _write_linkage_toml(self, city: City, running: Running) -> None:
        from yakuba.files import write_bytes_atomic
        from yakuba.relay.certs import Pki

        folder = self.profile_dir(city.id)
        if not folder.is_dir():
            return
        pki = Pki(self.pki_dir)
        text = (f'# written by yakuba.linkage.loopback: the services on this machine\n'
                f'institution = "{city.id}"\nhub = "{running.hub}"\nintermediate = "{running.intermediates[city.id]}"\n'
                f'cert = "{pki.client_cert(city.id)}"\nkey = "{pki.client_key(city.id)}"\nca = "{pki.ca}"\n')
        write_bytes_atomic(folder / "linkage.toml", text.encode("utf-8"))

    def profile(self, city: City, base: Path, *, rename: dict[str, str] | None = None) -> Path:
        """The city's profile folder: a copy of `base` (made once), its [city] name and code replaced by
        `rename` (for the second demo city); `start` writes its linkage.toml."""
        folder = self.profile_dir(city.id)
        if not folder.is_dir():
            folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            shutil.copytree(base, folder, ignore=shutil.ignore_patterns("linkage.toml"))
            if rename:
                path = folder / "city.toml"
                text = path.read_text(encoding="utf-8")
                for key, value in rename.items():
                    text, count = re.subn(rf'(?m)^{key}\s*=\s*"[^"]*"', f'{key} = "{value}"', text, count=1)
                    if not count:
                        raise LinkageError(f"{path} に {key} がありません (no {key} to replace)", where=str(path))
                path.write_text(text, encoding="utf-8")
        return folder
