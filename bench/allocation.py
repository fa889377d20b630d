"""Allocation benchmark: yakuba against ChilmAI 0.2.2 on the same files, in the same run.

    .venv/bin/python bench/allocation.py [--sizes 600x33,2000x90,8000x311,10000x400] [--seed N]
                                         [--skip-chilmai] [--chilmai-time-limit S]

For each size N×F it generates a Saitama-like instance (bench/generate.py) into
bench/work/<N>x<F>/, runs ChilmAI (in its own virtual environment, bench/.venv-chilmai, created on
first use) and `yakuba allocate run` on those files, each end to end in a subprocess (start-up,
reading, solving, writing), then judges both results with yakuba's checker
(yakuba.allocation.check) and prints one table. Timings are wall-clock seconds on this machine;
the ratio is ChilmAI ÷ yakuba from the same run. Nothing here is a unit test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CHILMAI_VENV = BENCH / ".venv-chilmai"
CHILMAI_VERSION = "0.2.2"
DEFAULT_SIZES = "600x33,2000x90,8000x311,10000x400"
TARGET_RATIO_SIZE, TARGET_RATIO = (8000, 311), 50.0
TARGET_SPEED_SIZE, TARGET_SECONDS, TARGET_BYTES = (10000, 400), 5.0, 2_000_000_000

sys.path.insert(0, str(BENCH))
from generate import generate, stats, write_instance  # noqa: E402


@dataclass
class Run:
    status: str = "not run"
    """OK, or why there is no result: exit code, INFEASIBLE, SOLVER_TIMEOUT, KILLED (timeout)…"""
    seconds: float | None = None
    peak_rss_bytes: int | None = None
    exit_code: int | None = None
    placed: int | None = None
    blocking: int | None = None
    valid: bool | None = None
    detail: str = ""


@dataclass
class SizeResult:
    children: int
    facilities: int
    instance: dict = field(default_factory=dict)
    yakuba: Run = field(default_factory=Run)
    chilmai: Run = field(default_factory=Run)

    @property
    def ratio(self) -> float | None:
        y, c = self.yakuba, self.chilmai
        if y.status == "OK" and c.status == "OK" and y.seconds and c.seconds:
            return c.seconds / y.seconds
        return None


# --- processes ------------------------------------------------------------------------------------

def timed(cmd: list[str], *, timeout: float, stdout: Path, stderr: Path, cwd: Path = ROOT) -> tuple[float, int, int, bool]:
    """Run cmd; return (wall seconds, exit code, peak RSS in bytes, killed by timeout).
    The peak RSS is this child's own (os.wait4), not the whole run's."""
    killed = threading.Event()
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, proc.returncode, usage.ru_maxrss * 1024, killed.is_set()


def ensure_chilmai() -> Path:
    """bench/.venv-chilmai with chilmai==0.2.2 (and the numpy, pandas, OR-Tools it pins):
    created once, never part of the product's lock."""
    python = CHILMAI_VENV / "bin" / "python"
    if python.exists():
        probe = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('chilmai'))"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == CHILMAI_VERSION:
            return python
    base = shutil.which("python3.11")
    if base is None:
        raise SystemExit("bench: python3.11 is needed to create bench/.venv-chilmai (ChilmAI 0.2.2 runs on 3.11)")
    print(f"bench: creating {CHILMAI_VENV.relative_to(ROOT)} and installing chilmai=={CHILMAI_VERSION} (once)…", flush=True)
    subprocess.run([base, "-m", "venv", "--clear", str(CHILMAI_VENV)], check=True)
    pip = subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"chilmai=={CHILMAI_VERSION}"],
                         capture_output=True, text=True)
    if pip.returncode != 0:
        raise SystemExit(f"bench: pip install chilmai=={CHILMAI_VERSION} failed:\n{pip.stderr[-3000:]}")
    return python


def yakuba_command() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "yakuba"
    if not exe.exists():
        found = shutil.which("yakuba")
        if found is None:
            raise SystemExit("bench: the `yakuba` command is missing: install the product first (.venv)")
        exe = Path(found)
    return [str(exe), "allocate", "run"]


def load_checker():  # type: ignore[no-untyped-def]
    """(read_instance_dir, read_result, check) from the product, or the reason they are missing."""
    try:
        from yakuba.allocation.check import check
        from yakuba.allocation.io import read_instance_dir, read_result
    except ImportError as exc:
        return None, f"yakuba's checker cannot be imported ({exc}); run with the product's .venv/bin/python"
    return (read_instance_dir, read_result, check), ""


def judge(checker, instance, result: Path, run: Run) -> None:  # type: ignore[no-untyped-def]
    """Fill run.valid / placed / blocking from yakuba's checker."""
    if checker is None or instance is None or not result.exists():
        return
    _, read_result, check = checker
    try:
        allocation = read_result(result, instance)
        verdict = check(instance, allocation)
    except Exception as exc:  # noqa: BLE001 — an unreadable result is a finding, not a crash
        run.detail = (run.detail + f"; result unreadable: {type(exc).__name__}: {exc}").strip("; ")
        run.valid = False
        return
    run.valid = bool(verdict.valid)
    run.placed = int(verdict.admitted)
    run.blocking = len(verdict.blocking)
    if not verdict.valid:
        run.detail = (run.detail + "; invalid: " + "; ".join(verdict.problems[:3])).strip("; ")


# --- one size -------------------------------------------------------------------------------------

def run_yakuba(work: Path, timeout: float) -> Run:
    run = Run()
    out = work / "result_yakuba.csv"
    out.unlink(missing_ok=True)
    seconds, code, rss, killed = timed(yakuba_command() + [str(work), "--out", str(out)], timeout=timeout,
                                       stdout=work / "yakuba.stdout", stderr=work / "yakuba.stderr")
    run.seconds, run.exit_code, run.peak_rss_bytes = seconds, code, rss
    if killed:
        run.status = f"KILLED after {timeout:.0f} s"
    elif code == 0:
        run.status = "OK"
    elif code == 3 and out.exists():
        run.status = "OK"  # valid but not stable (no stable allocation found): the checker counts the coalitions
        run.detail = "exit 3 (not stable)"
    else:
        run.status = f"exit {code}"
    if run.status != "OK":
        tail = (work / "yakuba.stderr").read_text(encoding="utf-8", errors="replace").strip().splitlines()[-6:]
        run.detail = " | ".join(tail)[-600:]
    return run


def run_chilmai(python: Path, work: Path, limit: float, timeout: float) -> Run:
    run = Run()
    out = work / "result_chilmai.csv"
    out.unlink(missing_ok=True)
    cmd = [str(python), str(BENCH / "chilmai_driver.py"), str(work), str(out), "--time-limit", str(limit)]
    seconds, code, rss, killed = timed(cmd, timeout=timeout, stdout=work / "chilmai.stdout", stderr=work / "chilmai.stderr")
    run.seconds, run.exit_code, run.peak_rss_bytes = seconds, code, rss
    report: dict = {}
    for line in reversed((work / "chilmai.stdout").read_text(encoding="utf-8", errors="replace").splitlines()):
        if line.startswith("{"):
            try:
                report = json.loads(line)
                break
            except json.JSONDecodeError:
                pass
    if killed:
        run.status = f"KILLED after {timeout:.0f} s"
    else:
        run.status = str(report.get("status") or f"exit {code}")
    if run.status == "OK":
        run.detail = f"solve {report.get('match_s')} s, imports {report.get('import_s')} s"
    else:
        run.detail = str(report.get("error") or report.get("detail") or "")[:600]
        if not run.detail:
            tail = (work / "chilmai.stderr").read_text(encoding="utf-8", errors="replace").strip().splitlines()[-4:]
            run.detail = " | ".join(tail)[-600:]
    return run


def bench_size(n: int, f: int, args: argparse.Namespace, checker, chilmai_python: Path | None) -> SizeResult:  # type: ignore[no-untyped-def]
    res = SizeResult(n, f)
    work = Path(args.work) / f"{n}x{f}"
    rows = generate(args.seed, n, f)
    write_instance(work, *rows)
    res.instance = stats(rows[0], rows[1])
    print(f"\n== {n} children × {f} facilities (seed {args.seed}) → {work}", flush=True)
    print("   " + ", ".join(f"{k} {v}" for k, v in res.instance.items() if k not in ("children", "facilities")), flush=True)

    instance = None
    if checker is not None:
        try:
            instance = checker[0](work)
        except Exception as exc:  # noqa: BLE001
            print(f"   yakuba cannot read the instance: {type(exc).__name__}: {exc}", flush=True)

    res.yakuba = run_yakuba(work, args.yakuba_timeout)
    judge(checker, instance, work / "result_yakuba.csv", res.yakuba)
    print(f"   yakuba : {res.yakuba.status} in {res.yakuba.seconds:.2f} s, peak {_mb(res.yakuba.peak_rss_bytes)}"
          f" — placed {res.yakuba.placed}, blocking {res.yakuba.blocking} {res.yakuba.detail}", flush=True)

    if chilmai_python is not None:
        timeout = args.chilmai_timeout or (11 * args.chilmai_time_limit + 300)
        res.chilmai = run_chilmai(chilmai_python, work, args.chilmai_time_limit, timeout)
        judge(checker, instance, work / "result_chilmai.csv", res.chilmai)
        print(f"   ChilmAI: {res.chilmai.status} in {res.chilmai.seconds:.2f} s, peak {_mb(res.chilmai.peak_rss_bytes)}"
              f" — placed {res.chilmai.placed}, blocking {res.chilmai.blocking} ({res.chilmai.detail})", flush=True)
    else:
        res.chilmai.status = "skipped"
    return res


# --- report ---------------------------------------------------------------------------------------

def _mb(b: int | None) -> str:
    return "—" if b is None else f"{b / 1e6:.0f} MB"


def _s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _n(x: int | None) -> str:
    return "—" if x is None else str(x)


def table(results: list[SizeResult]) -> str:
    head = ["size", "yakuba s", "ChilmAI s", "ratio", "placed Y", "placed C", "blocking Y", "blocking C",
            "yakuba peak", "ChilmAI peak", "notes"]
    rows = []
    for r in results:
        y, c = r.yakuba, r.chilmai
        notes = []
        if y.status != "OK":
            last = y.detail.split(" | ")[-1] if y.detail else ""
            notes.append(f"yakuba: {y.status}" + (f" ({last[:80]})" if last else ""))
        elif y.detail:
            notes.append(f"yakuba: {y.detail}")
        if c.status not in ("OK",):
            notes.append(f"ChilmAI: {c.status}")
        if y.valid is False:
            notes.append("yakuba result INVALID")
        if c.valid is False:
            notes.append("ChilmAI result INVALID")
        rows.append([f"{r.children}×{r.facilities}", _s(y.seconds), _s(c.seconds) if c.status == "OK" else
                     (f"({_s(c.seconds)})" if c.seconds is not None else "—"),
                     "—" if r.ratio is None else f"{r.ratio:.1f}×", _n(y.placed), _n(c.placed), _n(y.blocking),
                     _n(c.blocking), _mb(y.peak_rss_bytes), _mb(c.peak_rss_bytes), "; ".join(notes)[:160]])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in rows])


def targets(results: list[SizeResult]) -> list[str]:
    out = []
    by_size = {(r.children, r.facilities): r for r in results}
    r = by_size.get(TARGET_RATIO_SIZE)
    name = f"target 1: ≥ {TARGET_RATIO:.0f}× faster than ChilmAI at {TARGET_RATIO_SIZE[0]}×{TARGET_RATIO_SIZE[1]}, 0 blocking, as many placed"
    if r is None:
        out.append(f"{name}: NOT MEASURED (size not run)")
    elif r.chilmai.status != "OK" or r.yakuba.status != "OK" or r.yakuba.blocking is None or r.chilmai.placed is None:
        why = f"yakuba {r.yakuba.status}, ChilmAI {r.chilmai.status}"
        out.append(f"{name}: NOT MEASURED ({why})" if r.yakuba.status == "OK" else f"{name}: FAIL ({why})")
    else:
        ok = (r.ratio or 0) >= TARGET_RATIO and r.yakuba.valid and r.yakuba.blocking == 0 and r.yakuba.placed == r.chilmai.placed
        out.append(f"{name}: {'PASS' if ok else 'FAIL'} (ratio {r.ratio:.1f}×, blocking {r.yakuba.blocking}, "
                   f"placed {r.yakuba.placed} vs {r.chilmai.placed})")
    r = by_size.get(TARGET_SPEED_SIZE)
    name = (f"target 2: {TARGET_SPEED_SIZE[0]}×{TARGET_SPEED_SIZE[1]} in ≤ {TARGET_SECONDS:.0f} s and ≤ "
            f"{TARGET_BYTES / 1e9:.0f} GB on {os.cpu_count()} cores, stable")
    if r is None:
        out.append(f"{name}: NOT MEASURED (size not run)")
    elif r.yakuba.status != "OK":
        out.append(f"{name}: FAIL (yakuba {r.yakuba.status})")
    else:
        ok = (r.yakuba.seconds or 1e9) <= TARGET_SECONDS and (r.yakuba.peak_rss_bytes or 0) <= TARGET_BYTES \
            and r.yakuba.valid is True and r.yakuba.blocking == 0
        out.append(f"{name}: {'PASS' if ok else 'FAIL'} ({_s(r.yakuba.seconds)} s, {_mb(r.yakuba.peak_rss_bytes)}, "
                   f"blocking {r.yakuba.blocking})")
    return out


def machine() -> str:
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024**2:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{model}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default=DEFAULT_SIZES, help=f"comma-separated N×F (default {DEFAULT_SIZES})")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--skip-chilmai", action="store_true", help="run yakuba only")
    p.add_argument("--chilmai-time-limit", type=float, default=60.0,
                   help="ChilmAI's max_time_seconds (it retries once with 10× that when not optimal); default 60")
    p.add_argument("--chilmai-timeout", type=float, default=None,
                   help="kill ChilmAI after this many wall seconds (default 11 × limit + 300)")
    p.add_argument("--yakuba-timeout", type=float, default=1800.0, help="kill yakuba after this many seconds")
    p.add_argument("--work", default=str(BENCH / "work"), help="where instances and results go (default bench/work)")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON (default WORK/results.json)")
    args = p.parse_args()

    sizes = []
    for item in args.sizes.split(","):
        try:
            n, f = (int(x) for x in item.lower().replace("×", "x").split("x"))
        except ValueError:
            p.error(f"bad size {item!r}: use N×F, e.g. 8000x311")
        sizes.append((n, f))

    checker, why = load_checker()
    if checker is None:
        print(f"bench: {why}\n       results are timed but not judged (placed / blocking unknown).", file=sys.stderr)
    chilmai_python = None if args.skip_chilmai else ensure_chilmai()

    print(f"machine: {machine()}")
    results = [bench_size(n, f, args, checker, chilmai_python) for n, f in sizes]

    print("\n" + table(results))
    for line in targets(results):
        print(line)
    out = Path(args.json) if args.json else Path(args.work) / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine(), "seed": args.seed, "chilmai_time_limit": args.chilmai_time_limit,
                               "results": [asdict(r) | {"ratio": r.ratio} for r in results],
                               "targets": targets(results)}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
