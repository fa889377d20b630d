"""Errors of the allocation command, with the place of each problem (file, row, column, value).

Input is checked as a whole: every problem of a file set is collected before anything is
raised, so that the user can fix them in one go (`docs/formats/allocation-io.md` §2.4).
Messages are Japanese first, then English in parentheses. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from yakuba.errors import YakubaError

MAX_PROBLEMS = 200
"""At most this many problems are kept and shown; the rest are only counted."""
SHOWN_VALUE = 60
"""A longer value is shown cut to this many characters, with its length."""


@dataclass(frozen=True)
class Problem:
    """One located problem. `row` is the row as a spreadsheet shows it (header = row 1)."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if self.value is not None:
            shown = self.value if len(self.value) <= SHOWN_VALUE else (
                f"{self.value[:SHOWN_VALUE]}…({len(self.value)} 文字)")
            where.append(f"value {shown!r}")
        head = f"{self.file}: {', '.join(where)}" if where else self.file
        return f"{head}: {self.message}"


class AllocationError(YakubaError):
    """Base of the allocation command's errors; `exit_code` is what the command exits with."""

    exit_code = 1


class InputError(AllocationError):
    """The input (or, for `check`, the result) is invalid: a list of located problems."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem], total: int | None = None) -> None:
        problems = list(problems)
        self.total = max(total if total is not None else len(problems), len(problems))
        self.problems: list[Problem] = problems[:MAX_PROBLEMS]
        super().__init__(str(self.problems[0]) if self.problems else None,
                         where=self.problems[0].file if self.problems else None)

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems]
        more = self.total - len(self.problems)
        if more > 0:
            lines.append(f"…ほか {more} 件 ({more} more problems not shown)")
        return "\n".join(lines)


class Problems:
    """Collects problems while files are read; `raise_if_any` raises them all, sorted.

    Problems are sorted by file (in the order given by `files`, others after), then row
    (file-level problems first), then the order in which they were found.
    """

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def add(self, file: str, row: int | None, column: str | None, value: str | None,
            message: str) -> None:
        self._items.append(Problem(file, row, column, value, message))

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._items)

    def sorted(self, files: Sequence[str] = ()) -> list[Problem]:
        order = {name: n for n, name in enumerate(files)}
        indexed = list(enumerate(self._items))
        indexed.sort(key=lambda it: (order.get(it[1].file, len(order)), it[1].file if it[1].file not in order else "",
                                     it[1].row if it[1].row is not None else 0, it[0]))
        return [p for _, p in indexed]

    def raise_if_any(self, files: Sequence[str] = ()) -> None:
        if self._items:
            raise InputError(self.sorted(files), total=len(self._items))
