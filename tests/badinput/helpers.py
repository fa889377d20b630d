"""Running a `yakuba` subcommand in this process, as a careless user would, and what it said."""

from __future__ import annotations

import io
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from yakuba.commandline import EXIT_BUG


@dataclass
class Ran:
    code: int
    out: str
    err: str

    @property
    def crashed(self) -> bool:
        """A traceback or an internal error: what no input may ever cause."""
        return self.code == EXIT_BUG or "Traceback" in self.err or "内部エラー" in self.err

    @property
    def one_line(self) -> bool:
        return len([line for line in self.err.splitlines() if line.strip()]) == 1


@contextmanager
def _captured(stdin: bytes) -> Iterator[tuple[io.TextIOWrapper, io.TextIOWrapper]]:
    saved = sys.stdin, sys.stdout, sys.stderr
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = out, err
    try:
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8", "replace")  # type: ignore[attr-defined]


def yakuba(*argv: str, stdin: bytes = b"") -> Ran:
    """``yakuba ARGV…`` in this process: its exit code, stdout and stderr (argparse's exit too)."""
    from yakuba.cli import main

    with _captured(stdin) as (out, err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException as exc:  # noqa: BLE001 - escaping main is itself the crash we look for
            import traceback

            traceback.print_exception(exc, file=sys.stderr)
            code = EXIT_BUG
        return Ran(code, _text(out), _text(err))


def argv_strategy(words: Sequence[str]):  # type: ignore[no-untyped-def]
    """Command lines made of the command's own words (options, files) and arbitrary text."""
    from hypothesis import strategies as st

    word = st.one_of(st.sampled_from(list(words)), st.text(max_size=12),
                     st.integers(-10**6, 10**6).map(str), st.sampled_from(["0", "-1", "2024-13-45", "", "-"]))
    return st.lists(word, max_size=8)


def edited(value: Any, path: Sequence[int], new: Any) -> Any:
    """`value` (parsed JSON) with the element reached by `path` (indices taken modulo the sizes)
    replaced by `new`; an empty path, or a scalar on the way, is replaced whole."""
    if not path or not isinstance(value, (dict, list)) or not value:
        return new
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    value[key] = edited(value[key], path[1:], new)
    return value
