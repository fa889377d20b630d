"""`yakuba intake …`: the AI-OCR intake of nursery applications (pure core, no Django).

`add_parser` adds the `intake` command; every action lives in :func:`add_actions`: ``synth``,
``blank-form``, ``read``, ``score``. Each is wrapped by :func:`yakuba.commandline.guarded`, so
that every failure is one line on stderr with its exit code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from yakuba.commandline import EXIT_OK, EXIT_USAGE, fail, guarded, write_output
from yakuba.errors import UsageError

PROG = "yakuba intake"
DPI_RANGE = (50, 1200)
BLANK_SUFFIXES = (".pdf", ".png")


def _dpi(value: int) -> int:
    """``--dpi`` within what a scanner or a printer uses, else one line (exit 2)."""
    low, high = DPI_RANGE
    if not low <= value <= high:
        raise UsageError(f"--dpi は {low}〜{high} にしてください (dpi must be {low}..{high}): {value}", where="--dpi")
    return value


def _today(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--today は実在する日付を YYYY-MM-DD で指定してください (not a date): {text}",
                         where="--today") from None


def _engine(name: str) -> str:
    from yakuba.ocr.engines import engine_names

    if name not in engine_names():
        raise UsageError(f"OCR エンジン {name} はありません (unknown engine; known: {', '.join(engine_names())})",
                         where="--engine")
    return name


@guarded(PROG)
def cmd_synth(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from yakuba.ocr.synth import default_fonts, synth
    from yakuba.ocr.template import load_template

    if args.count < 1:
        return fail("--count は 1 以上にしてください (count must be at least 1)", EXIT_USAGE, prog=PROG)
    _dpi(args.dpi)
    fonts = args.font or default_fonts()
    for f in fonts:
        if not Path(f).is_file():
            return fail(f"フォントがありません (no such font): {f}", EXIT_USAGE, prog=PROG)
    template = load_template(args.template)
    started = time.perf_counter()
    with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("申込書を合成しています", total=args.count)
        truth = synth(args.count, args.seed, Path(args.out), fonts=fonts, dpi=args.dpi, template=template,
                      progress=lambda done, total: progress.update(task, completed=done))
    seconds = time.perf_counter() - started
    print(f"{args.count} 枚を {args.out} に書きました ({seconds:.1f} 秒, {args.count / seconds:.1f} 枚/秒); 正解: {truth}")
    return EXIT_OK


@guarded(PROG)
def cmd_blank_form(args: argparse.Namespace) -> int:
    from yakuba.ocr.render import render_blank
    from yakuba.ocr.template import load_template

    from yakuba.files import write_atomic

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in BLANK_SUFFIXES:
        raise UsageError(f"--out は .pdf か .png のファイル名にしてください (write a PDF or a PNG): {out}", where="--out")
    _dpi(args.dpi)
    template = load_template(args.template)
    image = render_blank(template, args.dpi)
    if suffix == ".png":
        write_atomic(out, lambda f: image.save(f, "PNG", dpi=(args.dpi, args.dpi)), mode=0o644)
    else:
        write_atomic(out, lambda f: image.save(f, "PDF", resolution=float(args.dpi), title=template.title), mode=0o644)
    print(f"{template.title} の白紙を {out} に書きました (A4, {args.dpi} dpi)")
    return EXIT_OK


def _facility_codes(path: str | None) -> list[str] | None:
    """Facility codes from a file: one per line, or a CSV whose first column is the code."""
    from yakuba.ocr.pipeline import PipelineError

    if not path:
        return None
    data = Path(path).read_bytes()
    for encoding in ("utf-8-sig", "cp932"):  # as the city's other tables: UTF-8, else Shift_JIS
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            bad = exc
    else:
        line = data.count(b"\n", 0, bad.start) + 1
        raise PipelineError(f"{path}: {line} 行目: 文字コードが UTF-8 でも Shift_JIS でもありません "
                            f"(neither UTF-8 nor Shift_JIS)", where=f"{path}:{line}")
    codes = []
    for n, line in enumerate(text.splitlines(), 1):
        cell = line.split(",")[0].strip()
        if not cell or cell.startswith("#") or not cell.isdigit():
            continue
        codes.append(cell)
    if not codes:
        raise PipelineError(f"{path}: 施設コードが1件もありません (no facility codes)")
    return codes


@guarded(PROG)
def cmd_read(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from yakuba.ocr.pipeline import input_files, read_paths, write_results

    engine, today, facility_codes = _engine(args.engine), _today(args.today), _facility_codes(args.facilities)
    files = input_files(args.inputs)
    if not files:
        return fail("読み取る画像・PDF がありません (no PNG/JPEG/TIFF/PDF in the input)", EXIT_USAGE, prog=PROG)
    started = time.perf_counter()
    out = Path(args.out)
    with Progress(transient=True, disable=not sys.stderr.isatty() or args.quiet) as progress:
        task = progress.add_task("申込書を読み取っています", total=len(files))
        lines = read_paths(files, engine=engine, workers=args.workers, facility_codes=facility_codes, today=today,
                           progress=lambda done, total: progress.update(task, completed=done))
        pages, seconds = write_results(lines, out, started)
    print(f"{pages} ページを読み取りました ({seconds:.1f} 秒, {pages / max(seconds, 1e-9):.2f} ページ/秒); 結果: {out}")
    return EXIT_OK


@guarded(PROG)
def cmd_score(args: argparse.Namespace) -> int:
    from yakuba.ocr.score import report_lines, score_files
    from yakuba.ocr.template import load_template

    s = score_files(Path(args.results), Path(args.truth), load_template(args.template).types())
    for line in report_lines(s):
        print(line)
    if args.json:
        write_output((json.dumps(s.as_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"), args.json)
    return EXIT_OK


def add_actions(intake_sub, add) -> None:  # type: ignore[no-untyped-def]
    """The `yakuba intake` actions."""
    p = add("read", "read scanned forms (folders, images, PDFs) into results.jsonl", cmd_read, intake_sub)
    p.add_argument("inputs", nargs="+", metavar="PATH", help="folder(s) of scans, image files or PDFs")
    p.add_argument("--out", required=True, metavar="FILE", help="results.jsonl (one line per page)")
    p.add_argument("--engine", default="rapidocr", help="OCR engine (rapidocr, null, or a plugin)")
    p.add_argument("--workers", type=int, default=None, help="parallel processes (default: one per core)")
    p.add_argument("--facilities", metavar="FILE", help="known facility codes (default: the demo city's)")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="date of reception for the date checks (default: today)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p = add("score", "score results.jsonl against truth.jsonl", cmd_score, intake_sub)
    p.add_argument("results")
    p.add_argument("truth")
    p.add_argument("--json", metavar="FILE", help="also write the numbers as JSON")
    p.add_argument("--template", default="application", help=argparse.SUPPRESS)
    p = add("synth", "synthetic filled, scanned application forms + truth.jsonl", cmd_synth, intake_sub)
    p.add_argument("--count", type=int, required=True, help="number of pages")
    p.add_argument("--seed", type=int, default=0, help="the same seed gives the same pages")
    p.add_argument("--font", action="append", metavar="PATH",
                   help="handwriting font (repeatable; default: the development fonts, not the held-out one)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for page-0001.png … and truth.jsonl")
    p.add_argument("--dpi", type=int, default=200)
    p.add_argument("--template", default="application", help=argparse.SUPPRESS)
    p = add("blank-form", "the blank application form to print (PDF, or PNG by the file name)", cmd_blank_form, intake_sub)
    p.add_argument("--out", required=True, metavar="FILE", help="form.pdf (or form.png)")
    p.add_argument("--dpi", type=int, default=200)
    p.add_argument("--template", default="application", help=argparse.SUPPRESS)


def add_parser(sub, add) -> argparse._SubParsersAction:  # type: ignore[no-untyped-def]
    intake = add("intake", "AI-OCR intake of nursery applications: synth, blank-form", lambda a: 2)
    intake_sub = intake.add_subparsers(dest="intake_command", metavar="ACTION", required=True)
    add_actions(intake_sub, add)
    return intake_sub
