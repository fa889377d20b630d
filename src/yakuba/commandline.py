"""What every ``yakuba`` subcommand shares: one line per failure, the exit codes, whole outputs.

Pure: no Django, and cheap to import (the command starts fast). A subcommand's function is
wrapped by :func:`guarded` with its program name (``"yakuba zengin"``), so that whatever goes
wrong reaches the person as one line on stderr and the documented exit code, never a traceback:

- a :class:`yakuba.errors.YakubaError` — its message (located: file, record, row, field) and its
  ``exit_code``;
- a file that is missing or cannot be read or written — which file, and why (exit 1);
- the reader of a pipe gone (``… | head``) — quiet, exit 1; Ctrl-C — exit 130;
- anything else is a bug, still told in one line (exit 70, as ``EX_SOFTWARE``).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path
from typing import Callable

from yakuba.errors import EXIT_FAIL, EXIT_OK, EXIT_USAGE, YakubaError
from yakuba.files import write_bytes_atomic

__all__ = ["EXIT_OK", "EXIT_FAIL", "EXIT_USAGE", "EXIT_INTERRUPTED", "EXIT_BUG", "fail", "guarded",
           "write_output", "read_input"]

EXIT_INTERRUPTED, EXIT_BUG = 130, 70

Command = Callable[[argparse.Namespace], int]


def fail(message: object, code: int = EXIT_FAIL, *, prog: str | None = "yakuba", lines: bool = False) -> int:
    """Print ``message`` on stderr (prefixed ``prog: ``) and return ``code``.

    The message is folded to one line (its line breaks become spaces; its own spaces stay); with
    ``lines`` each of its lines is printed (a list of located problems, one per line).
    """
    text = str(message)
    # Line breaks are folded; spaces are kept as they are (a located value's own spaces are the point).
    parts = text.splitlines() if lines else [" ".join(text.splitlines())]
    head = f"{prog}: " if prog else ""
    for part in parts or [""]:
        print(head + part, file=sys.stderr)
    return code


def _os_message(exc: OSError) -> str:
    where = exc.filename if exc.filename is not None else ""
    if isinstance(exc, FileNotFoundError):
        return f"ファイルがありません (no such file): {where}"
    return f"ファイルを読み書きできません (cannot read or write): {where}: {exc.strerror or exc}"


def handle(exc: BaseException, *, prog: str | None = "yakuba", lines: bool = False) -> int:
    """The exit code for ``exc`` after telling the person about it (the table in the module doc)."""
    if isinstance(exc, YakubaError):
        return fail(exc, exc.exit_code, prog=prog, lines=lines)
    if isinstance(exc, BrokenPipeError):
        try:  # the reader has gone: stop quietly, and let the interpreter's last flush go nowhere
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_FAIL
    if isinstance(exc, OSError):
        return fail(_os_message(exc), prog=prog)
    if isinstance(exc, MemoryError):
        return fail("メモリが足りません (out of memory)", prog=prog)
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    return fail(f"内部エラー (internal error): {type(exc).__name__}: {exc}", EXIT_BUG, prog=prog)


def guarded(prog: str | None, *, lines: bool = False) -> Callable[[Command], Command]:
    """Wrap a subcommand so that every failure is told as :func:`handle` says."""

    def wrap(fn: Command) -> Command:
        @functools.wraps(fn)
        def run(args: argparse.Namespace) -> int:
            try:
                return fn(args)
            except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - the one place they are told
                return handle(exc, prog=prog, lines=lines)

        return run

    return wrap


def read_input(name: str) -> bytes:
    """The bytes of a file named on the command line, ``-`` for standard input."""
    if name == "-":
        return sys.stdin.buffer.read()
    return Path(name).read_bytes()


def write_output(data: bytes, out: str | Path | None, *, keep_mode: bool = False) -> None:
    """``data`` to the file ``out`` (whole or not at all), or to standard output for None or ``-``."""
    if out is not None and str(out) != "-":
        write_bytes_atomic(Path(out), data, keep_mode=keep_mode)
        return
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def number_in(lowest: float, highest: float, what: str, kind: type = int):  # type: ignore[no-untyped-def]
    """An argparse type: a number (`kind`: int or float) from `lowest` to `highest`; anything else
    (text, nan, inf, out of range) is a usage error (exit 2) naming the range."""
    import argparse
    import math

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except (ValueError, OverflowError):
            value = None
        if value is None or (isinstance(value, float) and not math.isfinite(value)) or not lowest <= value <= highest:
            raise argparse.ArgumentTypeError(f"{what}は {lowest}〜{highest} の{'整数' if kind is int else '数'}で指定してください: {text!r}")
        return value
    return parse

