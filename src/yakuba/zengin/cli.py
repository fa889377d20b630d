"""`yakuba zengin check|show|build|split|merge` (no Django: the codec is a pure core).

The contract is `docs/formats/zengin.md` (section 6, "Command line"): exit 0 for a valid file, 1 with
one located line on stderr otherwise, never a traceback whatever the bytes. `-` reads standard
input. The scaffolding (one line per failure, exit codes, whole outputs) is `yakuba.commandline`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import BinaryIO, Callable

from yakuba.commandline import EXIT_OK, guarded, read_input, write_output
from yakuba.zengin.errors import ZenginError

Command = Callable[[argparse.Namespace], int]


def told(fn: Command) -> Command:
    """``fn`` under ``yakuba.commandline.guarded``, with no ``yakuba zengin:`` prefix: every failure
    is one line on stderr and its exit code (docs/formats/zengin.md, section 6). A located error is
    printed as ``str(error)``, its value's runs of spaces kept (``not a number: '   1 2  00'``)."""
    return guarded(None)(fn)


def _open(name: str) -> BinaryIO:
    if name == "-":
        return sys.stdin.buffer
    return open(name, "rb")


def cmd_check(args: argparse.Namespace) -> int:
    from yakuba.zengin.codec import check_stream

    stream = _open(args.file)
    try:
        s = check_stream(stream)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    kind = {"request": "依頼 (request)", "result": "結果 (result)", "mixed": "依頼と結果 (mixed)"}[s.kind]
    print(f"OK: {kind}, {s.batches} batches, {s.data_records} data records, total {s.total_amount} yen"
          + (f" (transferred {s.transferred_count} / {s.transferred_amount} yen, failed {s.failed_count} / "
             f"{s.failed_amount} yen)" if s.result_batches else "")
          + f", separators {s.newline}{', EOF 0x1A' if s.eof else ''}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from yakuba.zengin.codec import parse, to_json

    doc = to_json(parse(read_input(args.file)))
    text = json.dumps(doc, ensure_ascii=False, indent=1 if args.pretty else None)
    write_output((text + "\n").encode("utf-8"), None)
    return EXIT_OK


def _load_json(name: str) -> object:

    raw = read_input(name)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ZenginError(f"invalid JSON{where}: {getattr(exc, 'msg', exc)}", field="json") from None


def cmd_build(args: argparse.Namespace) -> int:
    from yakuba.zengin.codec import build, from_json

    data = build(from_json(_load_json(args.file)))
    write_output(data, args.out)
    return EXIT_OK


def cmd_split(args: argparse.Namespace) -> int:
    from yakuba.files import commit_together, staged_together
    from yakuba.zengin.split import split_by_bank

    parts = split_by_bank(read_input(args.file))
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(args.file).stem if args.file != "-" else "zengin"
    targets = [out / f"{stem}.{bank}.txt" for bank in parts]
    with staged_together(targets) as staged:  # every part, or (a full disk, a kill) none of them
        for part, data in zip(staged, parts.values()):
            part.file.write(data)
        commit_together(staged)
    for target in targets:
        print(f"{target}")
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from yakuba.zengin.split import merge

    write_output(merge((read_input(name) for name in args.files), names=args.files), args.out)
    return EXIT_OK


def cmd_simulate(args: argparse.Namespace) -> int:
    from yakuba.zengin.bank import simulate

    mix = None
    if args.mix:
        mix = {}
        for part in args.mix.split(","):
            code, _, share = part.partition("=")
            try:
                mix[code.strip()] = float(share)
            except ValueError:
                raise ZenginError("--mix is CODE=SHARE,… e.g. 0=0.9,1=0.1", field="mix", value=args.mix) from None
    write_output(simulate(read_input(args.file), mix=mix, seed=args.seed), args.out)
    return EXIT_OK


def cmd_pain008(args: argparse.Namespace) -> int:
    import datetime as dt

    from yakuba.zengin.codec import parse
    from yakuba.zengin.iso20022 import Creditor, to_pain008

    request = parse(read_input(args.file))
    header = request.batches[0].header
    now = dt.datetime.now().replace(microsecond=0)
    creditor = Creditor(args.creditor_name or header.consignor_name, header.consignor_code)
    write_output(to_pain008(request, creditor=creditor, message_id=args.message_id or f"YKB{now:%Y%m%d%H%M%S}",
                       year=args.year or now.year, created=now), args.out)
    return EXIT_OK


def cmd_camt054(args: argparse.Namespace) -> int:
    from yakuba.zengin.codec import build, parse
    from yakuba.zengin.iso20022 import results_from_camt054

    request = parse(read_input(args.request))
    write_output(build(results_from_camt054(request, read_input(args.notification))), args.out)
    return EXIT_OK


def add_parser(sub, add) -> None:  # type: ignore[no-untyped-def]
    zg = add("zengin", "全銀 kind-91 口座振替 files: check, show, build, split, merge", lambda a: 2)
    zg_sub = zg.add_subparsers(dest="zengin_command", metavar="ACTION", required=True)

    p = add("check", "check a file (exit 0 valid, 1 invalid with one located line)", told(cmd_check), zg_sub)
    p.add_argument("file", help="the file, or - for standard input")
    p = add("show", "print a file's content as JSON", told(cmd_show), zg_sub)
    p.add_argument("file", help="the file, or - for standard input")
    p.add_argument("--format", choices=["json"], default="json")
    p.add_argument("--pretty", action="store_true", help="indent the JSON")
    p = add("build", "write the file that a `show` JSON describes", told(cmd_build), zg_sub)
    p.add_argument("file", help="the JSON, or - for standard input")
    p.add_argument("--out", metavar="FILE", help="write here (default: standard output)")
    p = add("split", "one file per 引落銀行 (as an intermediary does)", told(cmd_split), zg_sub)
    p.add_argument("file", help="the file, or - for standard input")
    p.add_argument("--out-dir", required=True, metavar="DIR")
    p = add("merge", "merge result files (of one split) back into one", told(cmd_merge), zg_sub)
    p.add_argument("files", nargs="+", help="the result files")
    p.add_argument("--out", metavar="FILE", help="write here (default: standard output)")
    p = add("simulate", "act as the bank: turn a request file into a result file", told(cmd_simulate), zg_sub)
    p.add_argument("file", help="the request file, or - for standard input")
    p.add_argument("--out", metavar="FILE", help="write here (default: standard output)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mix", help="result code shares, e.g. 0=0.9,1=0.05,2=0.05")
    p = add("pain008", "a request file as ISO 20022 pain.008.001.08 (docs/formats/iso20022.md)", told(cmd_pain008), zg_sub)
    p.add_argument("file", help="the request file, or - for standard input")
    p.add_argument("--out", metavar="FILE", help="write here (default: standard output)")
    p.add_argument("--year", type=int, help="the year of 引落日 (default: this year)")
    p.add_argument("--message-id", help="MsgId (default: YKB + the time)")
    p.add_argument("--creditor-name", help="InitgPty name (default: 委託者名)")
    p = add("camt054", "read a bank's camt.054.001.08 as the kind-91 result file of a request", told(cmd_camt054), zg_sub)
    p.add_argument("request", help="the request file that was sent")
    p.add_argument("notification", help="the camt.054 XML")
    p.add_argument("--out", metavar="FILE", help="write the result file here (default: standard output)")


def main(argv: list[str] | None = None) -> int:
    """`python -m yakuba.zengin.cli ACTION …` without the rest of yakuba (used by the benchmark)."""
    parser = argparse.ArgumentParser(prog="yakuba")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name, help, fn, parent=sub):  # type: ignore[no-untyped-def]
        p = parent.add_parser(name, help=help, description=help)
        p.set_defaults(fn=fn)
        return p

    add_parser(sub, add)
    args = parser.parse_args(["zengin", *(sys.argv[1:] if argv is None else argv)])
    return int(args.fn(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
