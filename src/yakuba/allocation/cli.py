"""`yakuba allocate run|check` (no Django: the engine is a pure core).

Every failure is told by :func:`yakuba.commandline.guarded`: bad input (`InputError`) as one
located problem per line, exit 1; a result that is not stable exits 3.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from yakuba.allocation.model import AGES, Instance
from yakuba.commandline import EXIT_BUG, EXIT_USAGE, fail, guarded, write_output
from yakuba.errors import UsageError
from yakuba.files import commit_together, staged_together

PROG = "yakuba allocate"
EXIT_STABLE, EXIT_INVALID, EXIT_UNSTABLE = 0, 1, 3


def _instance(args: argparse.Namespace) -> Instance:
    from yakuba.allocation.io import read_instance, read_instance_dir

    if args.children or args.daycares:
        if not (args.children and args.daycares):
            raise SystemExit(fail("--children と --daycares は両方指定してください (give both --children and --daycares)",
                                  EXIT_USAGE, prog=PROG))
        return read_instance(Path(args.children), Path(args.daycares), Path(args.combinations) if args.combinations else None)
    if not args.dir:
        raise SystemExit(fail("入力フォルダ DIR か --children/--daycares を指定してください", EXIT_USAGE, prog=PROG))
    return read_instance_dir(Path(args.dir))


def _summary(instance: Instance, allocation: list, verdict, seconds: float, method: str) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True, highlight=False)
    table = Table(title="割当ての概要 (summary)")
    table.add_column("年齢")
    table.add_column("申込", justify="right")
    table.add_column("決定", justify="right")
    table.add_column("保留", justify="right")
    for g in AGES:
        members = [i for i, c in enumerate(instance.children) if c.age == g]
        placed = sum(1 for i in members if allocation[i] is not None)
        table.add_row(f"{g}歳", str(len(members)), str(placed), str(len(members) - placed))
    console.print(table)
    console.print(f"決定 {verdict.admitted} 人 / 保留 {verdict.waiting} 人 / 阻止連合 {len(verdict.blocking)} / "
                  f"{seconds:.2f} 秒 / 方法: {method}")


@guarded(PROG, lines=True)
def cmd_run(args: argparse.Namespace) -> int:
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    started = time.perf_counter()
    names = [n for n in (args.out, args.explain) if n is not None]
    if args.explain is not None and args.explain != "-" and Path(args.explain).absolute() == Path(args.out).absolute():
        raise UsageError("--out と --explain に同じファイルは指定できません (--out and --explain name the same file)",
                         where="--explain")
    with staged_together([n for n in names if n != "-"]) as staged:  # refused here if one cannot be written
        files = dict(zip([n for n in names if n != "-"], staged))
        code = _run(args, console, started, files)
    return code


def _run(args: argparse.Namespace, console, started: float, files: dict) -> int:  # type: ignore[no-untyped-def]
    """`run` with its outputs staged: both written, or (on any failure) neither."""
    from yakuba.allocation.allocate import allocate
    from yakuba.allocation.check import check, describe
    from yakuba.allocation.explain import as_json, explain
    from yakuba.allocation.io import format_result
    from yakuba.allocation.sequential import compare, sequential_allocation

    instance = _instance(args)
    with console.status("計算しています…") as status:
        stable = allocate(instance, effort=args.effort, progress=lambda m: status.update(m))
    if args.mode == "sequential":
        allocation = sequential_allocation(instance)
        method = "sequential (従来方式)"
    else:
        allocation, method = stable.allocation, stable.method
    verdict = check(instance, allocation)
    if not verdict.valid:  # a bug, never bad input: say so plainly
        return fail("内部エラー: 結果が制約を満たしません: " + "; ".join(verdict.problems[:3]), EXIT_BUG, prog=PROG)
    outputs = [(args.out, format_result(instance, allocation).encode("utf-8"))]
    if args.explain:
        doc = as_json(explain(instance, allocation))
        outputs.append((args.explain, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")))
    for name, data in outputs:
        if name in files:
            files[name].file.write(data)
    commit_together(files.values())
    for name, data in outputs:
        if name not in files:
            write_output(data, "-")
    _summary(instance, allocation, verdict, time.perf_counter() - started, method)
    if args.mode == "sequential":
        diff = compare(instance, stable.allocation, allocation)
        console.print(f"安定割当てとの比較: 安定割当ての方が良い {len(diff.better)} 人 / 悪い {len(diff.worse)} 人 / 同じ {diff.same} 人")
    for coalition in verdict.blocking[:50]:
        print(f"blocking: {describe(instance, coalition)}", file=sys.stderr)
    if verdict.blocking:
        return EXIT_UNSTABLE
    return EXIT_STABLE


@guarded(PROG, lines=True)
def cmd_check(args: argparse.Namespace) -> int:
    from yakuba.allocation.check import check, describe
    from yakuba.allocation.io import read_result

    instance = _instance(args)
    allocation = read_result(Path(args.result), instance)
    verdict = check(instance, allocation)
    if not verdict.valid:
        for problem in verdict.problems[:50]:
            print(f"invalid: {problem}", file=sys.stderr)
        print(f"NG: 割当てが制約を満たしません ({len(verdict.problems)} 件) / invalid allocation")
        return EXIT_INVALID
    if verdict.blocking:
        for coalition in verdict.blocking[:50]:
            print(f"blocking: {describe(instance, coalition)}", file=sys.stderr)
        print(f"NG: 安定ではありません: 阻止連合 {len(verdict.blocking)} / not stable")
        return EXIT_UNSTABLE
    print(f"OK: 有効で安定な割当てです (valid and stable): 決定 {verdict.admitted} 人, 保留 {verdict.waiting} 人")
    return EXIT_STABLE


def add_parser(sub, add) -> None:  # type: ignore[no-untyped-def]
    alloc = add("allocate", "利用調整: stable nursery allocation (run, check)", lambda a: 2)
    alloc_sub = alloc.add_subparsers(dest="allocate_command", metavar="ACTION", required=True)

    def inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("--children", metavar="FILE", help="children.csv / .xlsx")
        p.add_argument("--daycares", metavar="FILE", help="daycares.csv / .xlsx")
        p.add_argument("--combinations", metavar="FILE", help="combinations.csv / .xlsx (optional)")

    p = add("run", "allocate one round: write result.csv (exit 0 stable, 1 bad input, 3 not stable)", cmd_run, alloc_sub)
    p.add_argument("dir", nargs="?", help="folder with children.csv, daycares.csv [, combinations.csv]")
    inputs(p)
    p.add_argument("--out", required=True, help="result CSV (child_id,daycare_id)")
    p.add_argument("--explain", metavar="FILE", help="write the reasons per child as JSON")
    p.add_argument("--mode", choices=["stable", "sequential"], default="stable")
    p.add_argument("--effort", type=float, default=60.0, help="CP-SAT deterministic time limit, where it is needed")
    p = add("check", "check a result: exit 0 valid and stable, 1 invalid, 3 not stable", cmd_check, alloc_sub)
    p.add_argument("dir", nargs="?")
    p.add_argument("result")
    inputs(p)
