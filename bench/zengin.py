"""全銀 kind-91 check benchmark: `yakuba zengin check` against a plain stdlib checker, same run.

    .venv/bin/python bench/zengin.py [--records 1000000] [--batch 10000] [--repeat 3] [--keep]

Writes a multi-batch result file (bench/work/zengin-<N>.txt, CRLF, ~6% failed debits) with the
streaming writer (`yakuba.zengin.codec.Writer`), then times, each end to end in a subprocess
(start-up included):

- **yakuba**: `python -m yakuba.cli zengin check FILE`;
- **plain**: `python bench/zengin.py --plain FILE`, the checker one would write first with the
  standard library: read the file, cut it into records, slice every field, check digits with
  `str.isdigit`, character sets with `all(c in SET …)`, codes with `in`, dates against a set,
  and add up the trailer totals. Same rules, same answer (exit 0/1), no tricks.

Prints seconds, records/s and peak memory (`os.wait4` rusage, max RSS) of each, and the ratio
plain ÷ yakuba. Targets: ratio ≥ 5, yakuba ≥ 500,000 records/s. Nothing here is a unit test.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TARGET_RATIO, TARGET_SPEED = 5.0, 500_000


# --- the plain checker --------------------------------------------------------------------------

KANA = "ｦ" + "".join(chr(c) for c in range(0xFF71, 0xFF9E)) + "ﾞﾟ"
UPPER, DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"
NAME = set(KANA + UPPER + DIGITS + " ().-")
BANK = set(KANA + UPPER + DIGITS + " -")
TEXT = set(chr(c) for c in range(0x20, 0x7F)) | set(chr(c) for c in range(0xFF61, 0xFFA0))
DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MMDD = {f"{m:02d}{d:02d}" for m in range(1, 13) for d in range(1, DAYS[m - 1] + 1)}
# (name, start, length, kind, allowed set or codes)
HEADER = [("kind", 2, 2, "code", {"91"}), ("code_type", 4, 1, "code", {"0"}), ("consignor_code", 5, 10, "N", None),
          ("consignor_name", 15, 40, "C", NAME), ("debit_date", 55, 4, "date", None), ("bank_code", 59, 4, "N", None),
          ("bank_name", 63, 15, "C", BANK), ("branch_code", 78, 3, "N", None), ("branch_name", 81, 15, "C", BANK),
          ("account_type", 96, 1, "code", {"1", "2", "9"}), ("account_number", 97, 7, "N", None),
          ("filler", 104, 17, "C", TEXT)]
DATA = [("bank_code", 2, 4, "N", None), ("bank_name", 6, 15, "C", BANK), ("branch_code", 21, 3, "N", None),
        ("branch_name", 24, 15, "C", BANK), ("filler", 39, 4, "C", TEXT),
        ("account_type", 43, 1, "code", {"1", "2", "3", "9"}), ("account_number", 44, 7, "N", None),
        ("name", 51, 30, "C", NAME), ("amount", 81, 10, "N", None), ("new_code", 91, 1, "code", {"0", "1", "2"}),
        ("customer_number", 92, 20, "C", TEXT), ("result_code", 112, 1, "code", set("0123489")),
        ("filler", 113, 8, "C", TEXT)]
TRAILER = [("total_count", 2, 6, "N", None), ("total_amount", 8, 12, "N", None),
           ("transferred_count", 20, 6, "N", None), ("transferred_amount", 26, 12, "N", None),
           ("failed_count", 38, 6, "N", None), ("failed_amount", 44, 12, "N", None), ("filler", 56, 65, "C", TEXT)]
END = [("filler", 2, 119, "C", TEXT)]


def plain_check(path: str) -> str | None:
    """None if the file is valid, else the first problem."""
    data = open(path, "rb").read()
    if data.endswith(b"\x1a"):
        data = data[:-1]
    if data[120:122] == b"\r\n":
        if not data.endswith(b"\r\n"):
            return "last record without CRLF"
        lines = data[:-2].split(b"\r\n")
    else:
        if len(data) % 120:
            return "bad length"
        lines = [data[i:i + 120] for i in range(0, len(data), 120)]
    expect = "1"
    count = amount = ok_count = ok_amount = bad_count = bad_amount = 0
    for n, line in enumerate(lines, 1):
        if len(line) != 120:
            return f"record {n}: length {len(line)}"
        try:
            text = line.decode("cp932")
        except UnicodeDecodeError:
            return f"record {n}: not JIS"
        if len(text) != 120:
            return f"record {n}: double-byte"
        kind = text[0]
        if kind not in expect:
            return f"record {n}: unexpected kind {kind}"
        table = {"1": HEADER, "2": DATA, "8": TRAILER, "9": END}[kind]
        values = {}
        for name, start, length, how, allowed in table:
            value = text[start - 1:start - 1 + length]
            if how == "N" and not (value.isdigit() and value.isascii()):
                return f"record {n}: {name} not a number"
            if how == "C" and not all(c in allowed for c in value):
                return f"record {n}: {name} bad character"
            if how == "code" and value not in allowed:
                return f"record {n}: {name} bad code"
            if how == "date" and value not in MMDD:
                return f"record {n}: {name} bad date"
            values[name] = value
        if kind == "1":
            count = amount = ok_count = ok_amount = bad_count = bad_amount = 0
            expect = "28"
        elif kind == "2":
            a = int(values["amount"])
            count += 1
            amount += a
            if values["result_code"] == "0":
                ok_count += 1
                ok_amount += a
            else:
                bad_count += 1
                bad_amount += a
        elif kind == "8":
            t = {k: int(v) for k, v in values.items() if k != "filler"}
            if t["total_count"] != count or t["total_amount"] != amount:
                return f"record {n}: totals"
            if t["transferred_count"] or t["transferred_amount"] or t["failed_count"] or t["failed_amount"]:
                if (t["transferred_count"], t["transferred_amount"], t["failed_count"], t["failed_amount"]) != (
                        ok_count, ok_amount, bad_count, bad_amount):
                    return f"record {n}: result totals"
            elif bad_count:
                return f"record {n}: request with results"
            expect = "19"
        else:
            if n != len(lines):
                return f"record {n + 1}: after the end record"
            return None
    return "no end record"


# --- the benchmark ------------------------------------------------------------------------------

def generate(path: Path, records: int, per_batch: int) -> float:
    sys.path.insert(0, str(ROOT / "src"))
    from yakuba.zengin.codec import Writer
    from yakuba.zengin.model import Header, Layout, Record

    started = time.perf_counter()
    names = ["ﾔﾏﾀﾞ ﾀﾛｳ", "ｻﾄｳ ﾊﾅｺ", "ｽｽﾞｷ ｲﾁﾛｳ", "ﾀｶﾊｼ ｼﾞﾕﾝ", "ﾀﾅｶ ﾐﾉﾙ(ｶ)"]
    with open(path, "wb") as out:
        w = Writer(out, Layout("crlf", eof=True))
        i = 0
        while i < records:
            w.header(Header(consignor_code="0000012345", consignor_name="ｻﾝﾌﾟﾙｼ ｽｲﾄﾞｳｷﾖｸ", debit_date="0427",
                            bank_code="0001", bank_name="ﾐｽﾞﾎ", branch_code="001", branch_name="ﾄｳｷﾖｳ",
                            account_type="1", account_number="1234567"))
            for _ in range(min(per_batch, records - i)):
                w.record(Record(bank_code=f"{(i % 7) * 5 + 1:04d}", bank_name="ｱｵﾊﾞ", branch_code=f"{i % 900:03d}",
                                branch_name="ｴｷﾏｴ", account_type="1", account_number=f"{i % 10_000_000:07d}",
                                name=names[i % 5], amount=1000 + (i * 37) % 50_000, customer_number=f"{i:020d}",
                                result_code="1" if i % 17 == 0 else "0"))
                i += 1
            w.trailer(result=True)
        w.close()
    return time.perf_counter() - started


def timed(cmd: list[str]) -> tuple[float, int, int, str]:
    """(seconds, exit code, peak RSS bytes, stderr) of a subprocess."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, proc.returncode, usage.ru_maxrss * 1024, err.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000, help="data records per batch")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each checker (the best is kept)")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("--plain", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain:
        problem = plain_check(args.plain)
        if problem:
            print(problem, file=sys.stderr)
            return 1
        return 0

    work = BENCH / "work"
    work.mkdir(exist_ok=True)
    path = work / f"zengin-{args.records}.txt"
    seconds = generate(path, args.records, args.batch)
    size = path.stat().st_size
    total = args.records + 2 * -(-args.records // args.batch) + 1
    print(f"generated {path.name}: {args.records:,} data records, {total:,} records, {size / 1e6:.1f} MB "
          f"in {seconds:.1f} s (streaming writer: {args.records / seconds:,.0f} records/s)")
    commands = {"yakuba": [sys.executable, "-m", "yakuba.cli", "zengin", "check", str(path)],
                "plain": [sys.executable, str(Path(__file__).resolve()), "--plain", str(path)]}
    best: dict[str, tuple[float, int, int, str]] = {}
    for _ in range(args.repeat):
        for name, cmd in commands.items():
            run = timed(cmd)
            if run[1] != 0:
                print(f"{name} failed (exit {run[1]}): {run[3]}")
                return 1
            if name not in best or run[0] < best[name][0]:
                best[name] = run
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"best of {args.repeat}")
    print(f"{'checker':8} {'seconds':>8} {'records/s':>12} {'peak RSS MB':>12}")
    for name, (sec, _, rss, _) in best.items():
        print(f"{name:8} {sec:8.2f} {total / sec:12,.0f} {rss / 2**20:12.1f}")
    ratio = best["plain"][0] / best["yakuba"][0]
    speed = total / best["yakuba"][0]
    print(f"ratio plain/yakuba: {ratio:.1f}x (target >= {TARGET_RATIO:.0f}x: {'met' if ratio >= TARGET_RATIO else 'MISSED'}); "
          f"yakuba {speed:,.0f} records/s (target >= {TARGET_SPEED:,}: {'met' if speed >= TARGET_SPEED else 'MISSED'})")
    if not args.keep:
        path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
