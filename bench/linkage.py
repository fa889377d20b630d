"""情報連携 exchanges (issue #14, targets): 照会 → hub → 提供 → logged in p95 ≤ 20 ms at light load, and
≥ 300 exchanges/s sustained for 60 s, over loopback with mutual TLS on this 2-core machine.

    .venv/bin/python bench/linkage.py [--children 200] [--light 200] [--clients 8] [--seconds 60] [--profile]

Sets up, in a temporary folder, what the service tests set up (tests/linkage/services/kit.py):
a hub and two cities, A (provides) and B (asks), initialised and connected; ``--children``
synthetic children, each enrolled in both cities and holding a 副本 at A (the test's example child
under its own ``local_id``). An exchange is: B signs a query for the 3歳児健診's items
(`make_query`) → the hub verifies it, checks the TLS client, the allow-list and translates the 符号,
logs the query → asks A for the 提供 → A opens the 副本, answers signed and sealed to B → the hub
verifies the answer and logs the 提供 → B verifies the answer and unseals it (`verify_answer` with
`open_with`), and its items are checked against the child's 副本. Then, in the same run:

- ours, in-process: the same exchange calling the cores directly (`Hub.exchange`,
  `Intermediate.provide`): no HTTP, no TLS; sequential (``--light`` exchanges), then ``--clients``
  threads for ``--seconds``. With ``--profile``, a cProfile of the sequential run (top 15, cumulative);
- ours, loopback mTLS: the hub and A's and B's 中間サーバー on gunicorn (`yakuba linkage … serve`,
  as tests/linkage/services/test_it_serves_on_gunicorn_with_mutual_tls.py: port 0, a PKI from
  `yakuba.relay.certs.make_pki`, the hub's witnessing thread on), B's `HubClient` over HTTPS
  (one kept-alive connection per client thread); sequential, then ``--clients`` threads for
  ``--seconds``. The client threads run in this process; they share the 2 cores with the servers;
- baseline: the same servers, but B's client opens a fresh mutual-TLS connection for every query
  (full handshake, both certificates verified; what a first client without keep-alive does).

Afterwards: the served log grew by exactly 2 entries (a query and a 提供) per exchange and holds no
refusal; the final checkpoint, cosigned by both witnesses, verifies with `yakuba linkage verify`
over mTLS (every tile and entry). Prints one table, the ratio ours ÷ baseline (exchanges/s), the
CPU each process used, and the targets, measured on the loopback mTLS mode. Exit 0 when both are
met, 1 otherwise. Nothing here is a unit test.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import dataclasses
import hashlib
import io
import os
import pstats
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(1, str(ROOT))  # tests.linkage.services.kit: the services exactly as the tests set them up

TARGET_P95_MS = 20.0
TARGET_RATE = 300.0
TARGET_SECONDS = 60.0
WITNESS_EVERY_S = 5.0


@dataclasses.dataclass(frozen=True)
class Child:
    local_id: str
    fugo_a: str
    fugo_b: str
    items: dict[str, Any]  # what B must read: the asked items of the 3歳 checkup in the 副本


@dataclasses.dataclass
class Run:
    mode: str
    latencies: list[float]  # seconds, one per exchange that completed
    wall: float
    errors: int = 0
    first_error: str = ""
    cpu: dict[str, float] = dataclasses.field(default_factory=dict)

    @property
    def exchanges(self) -> int:
        return len(self.latencies) + self.errors

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall > 0 else 0.0


# --- setup ---------------------------------------------------------------------------------------

def setup(folder: Path, n: int):  # type: ignore[no-untyped-def]
    """The services of the tests (`kit.services`, the real clock), `n` children enrolled and registered."""
    from tests.linkage.checkups import example_child
    from tests.linkage.services.kit import ITEMS, services
    from yakuba.linkage import fukuhon

    s = services(folder, time.time)  # type: ignore[arg-type]  # a clock: any callable giving seconds
    base = example_child()
    children = []
    for i in range(n):
        handle = hashlib.sha256(f"synthetic child {i + 1}".encode()).hexdigest()  # the stand-in for 住基ネット
        at_a, at_b = s.hub.enrol("city-a", handle), s.hub.enrol("city-b", handle)
        doc = fukuhon.to_document(dataclasses.replace(base, local_id=f"{900000000000000 + i:015d}"))
        s.a.register(doc["local_id"], fukuhon.dumps(doc), at_a.fugo)
        y3 = next(c for c in doc["checkups"] if c["kind"] == "y3")["items"]
        children.append(Child(doc["local_id"], at_a.fugo, at_b.fugo, {code: y3[code] for code in ITEMS}))
    return s, children


class Checker:
    """B's side of an exchange: the query it signs, and the answer it verifies and unseals."""

    def __init__(self, b_institution: Any, a_signing_key: Any) -> None:
        self.b, self.a_key = b_institution, a_signing_key

    def query(self, child: Child) -> str:
        from tests.linkage.services.kit import ITEMS, JIMU
        from yakuba.linkage.query import make_query

        return make_query(self.b, jimu_code=JIMU, items=ITEMS, fugo=child.fugo_b, provider_id="city-a")

    def check(self, child: Child, token: str, answer: str) -> None:
        from tests.linkage.querykit import parts
        from yakuba.linkage.query import verify_answer

        opened = verify_answer(answer, self.a_key, expected_nonce=parts(token)[1]["nonce"], query_token=token,
                               now=int(time.time()), provider_id="city-a", open_with=self.b)
        if opened.items != child.items:
            raise AssertionError(f"wrong items for {child.local_id}: {sorted(opened.items)}")


# --- running ----------------------------------------------------------------------------------------

Exchange = Callable[[Child], None]


def sequential(mode: str, exchange: Exchange, children: list[Child], n: int) -> Run:
    rng = random.Random(14)
    run = Run(mode, [], 0.0)
    t0 = time.perf_counter()
    for _ in range(n):
        child = children[rng.randrange(len(children))]
        t = time.perf_counter()
        try:
            exchange(child)
        except Exception as error:  # counted; the first one is shown
            run.errors += 1
            run.first_error = run.first_error or f"{type(error).__name__}: {error}"
            continue
        run.latencies.append(time.perf_counter() - t)
    run.wall = time.perf_counter() - t0
    return run


def sustained(mode: str, make: Callable[[], tuple[Exchange, Callable[[], None]]], children: list[Child],
              clients: int, seconds: float, pids: dict[str, int]) -> Run:
    """`clients` threads, each with its own exchange (its own connection), for `seconds`."""
    run = Run(mode, [], 0.0)
    lock = threading.Lock()
    made = [make() for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def work(index: int) -> None:
        exchange, close = made[index]
        rng = random.Random(index)
        mine: list[float] = []
        errors, first = 0, ""
        start.wait()
        while (t := time.perf_counter()) < deadline[0]:
            child = children[rng.randrange(len(children))]
            try:
                exchange(child)
                mine.append(time.perf_counter() - t)
            except Exception as error:
                errors += 1
                first = first or f"{type(error).__name__}: {error}"
        close()
        with lock:
            run.latencies.extend(mine)
            run.errors += errors
            run.first_error = run.first_error or first

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    cpu0 = cpu_times(pids)
    t0 = time.perf_counter()
    deadline[0] = t0 + seconds
    start.wait()
    for thread in threads:
        thread.join()
    run.wall = time.perf_counter() - t0
    run.cpu = {name: used - cpu0[name] for name, used in cpu_times(pids).items()}
    return run


def cpu_times(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds (user + system) of each named server process and its descendants (gunicorn's worker)."""
    tick = os.sysconf("SC_CLK_TCK")

    def tree(pid: int) -> list[int]:
        out = [pid]
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                out += [c for child in (task / "children").read_text().split() for c in tree(int(child))]
            except OSError:
                pass
        return out

    def used(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    me = os.getpid()  # this process: itself only (the servers are its children, counted on their own)
    return {name: sum(used(p) for p in ([pid] if pid == me else tree(pid))) for name, pid in pids.items()}


# --- the services on gunicorn ---------------------------------------------------------------------

@contextlib.contextmanager
def serving(service: str, errors: Path, *options: str) -> Iterator[tuple[str, int]]:
    """`yakuba linkage SERVICE serve --port 0 OPTIONS…` as tests/linkage/services/gunicorn.py starts it,
    but its log (one INFO line per decision) goes to the file `errors` (a pipe nobody reads fills up
    and stalls the server); yields its URL and pid; stops it with SIGTERM."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with open(errors, "w") as err:
        process = subprocess.Popen([sys.executable, "-m", "yakuba.cli", "linkage", service, "serve", "--port", "0",
                                    *options], stdout=subprocess.PIPE, stderr=err, text=True, env=env)
        try:
            line = process.stdout.readline()  # type: ignore[union-attr]
            found = re.search(r"https://[0-9.]+:[0-9]+", line)
            if not found:
                time.sleep(0.5)
                raise SystemExit(f"{service} did not start: {line!r}\n{errors.read_text()[-2000:]}")
            threading.Thread(target=process.stdout.read, daemon=True).start()  # type: ignore[union-attr]
            yield found.group(0), process.pid
        finally:
            process.terminate()
            process.wait(timeout=30)


def served_exchange(url: str, pki: Any, checker: Checker, *, fresh: bool) -> tuple[Exchange, Callable[[], None]]:
    """B's client of the hub: one kept-alive connection, or (`fresh`) a new connection per query."""
    from yakuba.linkage.hub.app import HubClient

    client = HubClient(url, cert=pki.client_cert("city-b"), key=pki.client_key("city-b"), ca=pki.ca)

    def exchange(child: Child) -> None:
        token = checker.query(child)
        answer = client.query(token)
        if fresh:
            client.close()  # the next request opens a new TCP connection and does a full TLS handshake
        checker.check(child, token, answer)

    return exchange, client.close


# --- main ---------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=200, help="synthetic children with a 副本 at A (default 200)")
    parser.add_argument("--light", type=int, default=200, help="sequential exchanges per mode (default 200)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads (default 8)")
    parser.add_argument("--seconds", type=float, default=60.0, help="each sustained run (default 60)")
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process sequential exchanges")
    args = parser.parse_args()
    if args.children < 1 or args.light < 1 or args.clients < 1 or args.seconds <= 0:
        parser.error("--children, --light, --clients and --seconds must be positive")

    folder = Path(tempfile.mkdtemp(prefix="yakuba-bench-linkage-"))
    try:
        return bench(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bench(args: argparse.Namespace, folder: Path) -> int:
    from yakuba.cli import main as yakuba_main
    from yakuba.linkage.entries import parse_entry
    from yakuba.linkage.errors import LogError
    from yakuba.linkage.hub import Hub
    from yakuba.linkage.hub.app import HubClient
    from yakuba.linkage.tlog import Verifier, open_checkpoint
    from yakuba.relay.certs import make_pki

    t0 = time.perf_counter()
    s, children = setup(folder, args.children)
    checker = Checker(s.b.institution, s.a.institution.public().signing_key)
    log_key = s.hub.log_verifier.key_string()
    witnesses = [m["witness_key"] for m in (s.a.public_json(), s.b.public_json())]
    print(f"{len(children)} children enrolled in A and B, 副本 registered at A in {time.perf_counter() - t0:.1f} s"
          f" ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    rows: list[Run] = []

    # ours, in-process: the cores called directly
    def inprocess(child: Child) -> None:
        token = checker.query(child)
        checker.check(child, token, s.hub.exchange(token, "city-b", s.a.provide))

    sequential("warm-up", inprocess, children, 5)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    rows.append(sequential("ours, in-process, sequential", inprocess, children, args.light))
    if profiler:
        profiler.disable()
    rows.append(sustained(f"ours, in-process, {args.clients} threads", lambda: (inprocess, lambda: None), children,
                          args.clients, args.seconds, {"this process": os.getpid()}))
    s.close()  # one process owns a data folder: gunicorn takes them over

    # ours and the baseline, over loopback with mutual TLS
    pki = make_pki(folder / "pki", clients=["city-a", "city-b", "hub", "health-app"])
    tls = ["--cert", str(pki.server_cert), "--key", str(pki.server_key), "--ca", str(pki.ca)]
    threads = ["--threads", str(max(8, args.clients))]
    with Hub(folder / "hub") as hub:
        before = hub.log.size
    served: list[Run] = []
    with contextlib.ExitStack() as stack:
        url_a, pid_a = stack.enter_context(serving("intermediate", folder / "a.log", "--data", str(folder / "city-a"),
                                                   *tls, *threads))
        url_b, pid_b = stack.enter_context(serving("intermediate", folder / "b.log", "--data", str(folder / "city-b"),
                                                   *tls, *threads))
        url, pid_hub = stack.enter_context(serving(
            "hub", folder / "hub.log", "--data", str(folder / "hub"), *tls, *threads, "--client-cert",
            str(pki.client_cert("hub")), "--client-key", str(pki.client_key("hub")), "--provider", f"city-a={url_a}",
            "--provider", f"city-b={url_b}", "--witness-every", str(WITNESS_EVERY_S)))
        pids = {"client (this process)": os.getpid(), "hub": pid_hub, "中間サーバー A": pid_a, "中間サーバー B": pid_b}

        warm, close = served_exchange(url, pki, checker, fresh=False)
        served.append(sequential("warm-up", warm, children, 5))
        served.append(sequential("ours, loopback mTLS, sequential", warm, children, args.light))
        close()
        served.append(sustained(f"ours, loopback mTLS, {args.clients} threads",
                                lambda: served_exchange(url, pki, checker, fresh=False), children, args.clients,
                                args.seconds, pids))
        fresh, close = served_exchange(url, pki, checker, fresh=True)
        served.append(sequential("baseline: new TLS connection per query, sequential", fresh, children, args.light))
        close()
        served.append(sustained(f"baseline: new TLS connection per query, {args.clients} threads",
                                lambda: served_exchange(url, pki, checker, fresh=True), children, args.clients,
                                args.seconds, pids))
        exchanges = sum(r.exchanges for r in served)

        # the log: the checkpoint of the final size, cosigned by both witnesses, verified whole over mTLS
        expected = before + 2 * exchanges
        reader = HubClient(url, cert=pki.client_cert("city-b"), key=pki.client_key("city-b"), ca=pki.ca)
        deadline, signed = time.monotonic() + 4 * WITNESS_EVERY_S + 10, None
        while time.monotonic() < deadline:
            try:
                signed = open_checkpoint(reader.checkpoint(), Verifier.parse(log_key),
                                         witnesses=[Verifier.parse(w) for w in witnesses], quorum=2)
                if signed.size >= expected:
                    break
            except LogError:
                pass
            time.sleep(0.5)
        reader.close()
        verify = ["linkage", "verify", "--log", url, "--log-key", log_key, "--cert", str(pki.client_cert("city-b")),
                  "--key", str(pki.client_key("city-b")), "--ca", str(pki.ca)]
        for w in witnesses:
            verify += ["--witness", w]
        out, t_verify = io.StringIO(), time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                verified = yakuba_main(verify) == 0
            except SystemExit as exit_:
                verified = exit_.code == 0
        t_verify = time.perf_counter() - t_verify
    rows += [r for r in served if r.mode != "warm-up"]

    with Hub(folder / "hub") as hub:
        size = hub.log.size
        kinds: dict[str, int] = {}
        for index in range(before, size):
            kind = parse_entry(hub.log.entry(index)).type
            kinds[kind] = kinds.get(kind, 0) + 1

    # the table
    print()
    print(f"{'mode':58} {'exchanges':>9} {'seconds':>8} {'exch/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
          f" {'errors':>6}")
    for r in rows:
        print(f"{r.mode:58} {r.exchanges:9d} {r.wall:8.2f} {r.rate:8.1f} {r.pct(50):8.2f} {r.pct(95):8.2f}"
              f" {r.pct(99):8.2f} {r.errors:6d}")
    for r in rows:
        if r.first_error:
            print(f"first error, {r.mode}: {r.first_error[:300]}")
    in_seq, in_par, light, ours, base_light, base = rows
    print()
    print(f"ratio ours ÷ baseline (exchanges/s): {ours.rate / base.rate if base.rate else float('nan'):.2f}× with"
          f" {args.clients} threads, {light.rate / base_light.rate if base_light.rate else float('nan'):.2f}×"
          f" sequential; baseline: the same services, B's client opening a new mutual-TLS connection per query")
    print(f"transport cost (loopback mTLS − in-process, sequential p50): {light.pct(50) - in_seq.pct(50):.2f} ms")
    for r in (in_par, ours, base):
        used = ", ".join(f"{name} {cpu:.1f} s ({cpu / r.wall * 100:.0f}%)" for name, cpu in r.cpu.items())
        print(f"CPU during '{r.mode}' ({r.wall:.1f} s): {used}")
    log_ok = (size == expected and kinds.get("query", 0) == exchanges and kinds.get("provide", 0) == exchanges
              and set(kinds) <= {"query", "provide"})
    print(f"log: {before} → {size} entries for {exchanges} served exchanges (expected {expected}): "
          f"{', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))} → {'ok' if log_ok else 'WRONG'}")
    last = out.getvalue().strip().splitlines()
    print(f"final checkpoint: {'cosigned by both witnesses, ' if signed and signed.size >= expected else 'NOT cosigned at the final size, '}"
          f"`yakuba linkage verify` over mTLS in {t_verify:.1f} s: {last[0] if last else '(no output)'}"
          f" → {'ok' if verified else 'FAILED'}")
    if profiler:
        print()
        print(f"cProfile of '{in_seq.mode}' ({in_seq.exchanges} exchanges), top 15 by cumulative time:")
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(15)
        print("\n".join(line for line in text.getvalue().splitlines() if line.strip())[:6000])

    p95_met = light.pct(95) <= TARGET_P95_MS and light.errors == 0
    rate_met = (ours.rate >= TARGET_RATE and ours.wall >= TARGET_SECONDS and ours.errors == 0 and log_ok
                and verified)
    print()
    print(f"target p95 ≤ {TARGET_P95_MS:.0f} ms at light load: {'met' if p95_met else 'NOT met'}"
          f" ({light.pct(95):.2f} ms, '{light.mode}')")
    why = "" if ours.wall >= TARGET_SECONDS else f"; ran {ours.wall:.0f} s < {TARGET_SECONDS:.0f} s"
    why += "" if ours.errors == 0 else f"; {ours.errors} errors"
    why += "" if log_ok and verified else "; the log check failed"
    print(f"target ≥ {TARGET_RATE:.0f} exchanges/s for {TARGET_SECONDS:.0f} s: {'met' if rate_met else 'NOT met'}"
          f" ({ours.rate:.1f}/s over {ours.wall:.1f} s, '{ours.mode}'{why})")
    return 0 if p95_met and rate_met else 1


if __name__ == "__main__":
    sys.exit(main())
