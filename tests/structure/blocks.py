"""Blocks of lines that stand twice in ``src/yakuba``: the same lines, or the same shape with other
names, strings and numbers.

Each line of code is reduced to its shape: names become ``N``, strings ``S``, numbers ``0``;
keywords, operators and the nesting are kept; comments, blank lines, docstrings, import lines and
lines of lone punctuation are passed over. A block is ``size`` such lines in a row. A block that
is thin — declarations with fewer than three lines that decide or leave (``if``, ``for``,
``return``, ``raise`` …), or one shape over and over — is boilerplate and not counted. Migrations are left out (Django writes them).
"""

from __future__ import annotations

import io
import keyword
import tokenize
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "yakuba"


@dataclass(frozen=True)
class Line:
    number: int
    shape: str
    tokens: int


def shapes(text: str) -> list[Line]:
    """The significant lines of a module, each as its shape (indentation kept)."""
    by_line: dict[int, list[str]] = defaultdict(list)
    depth = 0
    statement: list[tokenize.TokenInfo] = []

    def flush() -> None:
        if not statement:
            return
        first = statement[0]
        if first.type == tokenize.STRING and all(t.type == tokenize.STRING for t in statement):
            return  # a docstring or a bare string
        if first.type == tokenize.NAME and first.string in ("import", "from"):
            return
        for tok in statement:
            if tok.type == tokenize.NAME:
                shape = tok.string if keyword.iskeyword(tok.string) or tok.string in ("self", "cls") else "N"
            elif tok.type == tokenize.STRING:
                shape = "S"
            elif tok.type == tokenize.NUMBER:
                shape = "0"
            else:
                shape = tok.string
            row = tok.start[0]
            by_line[row].append(shape if by_line[row] else "  " * depth + shape)

    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER):
            continue
        if tok.type == tokenize.NEWLINE:
            flush()
            statement = []
        elif tok.type == tokenize.INDENT:
            depth += 1
        elif tok.type == tokenize.DEDENT:
            depth -= 1
        else:
            statement.append(tok)
    flush()
    out = []
    for row in sorted(by_line):
        parts = by_line[row]
        if all(p.strip() in ("(", ")", "[", "]", "{", "}", ",", ":", "):", "],", "},", ")") for p in parts):
            continue
        out.append(Line(row, " ".join(parts), len(parts)))
    return out


LOGIC = frozenset({"if", "elif", "else", "for", "while", "try", "except", "finally", "with", "return",
                   "raise", "yield", "break", "continue", "lambda"})


def _thin(block: list[Line]) -> bool:
    """Boilerplate: declarations (a model's fields and Meta, a URL list, a table of constants)
    with little logic — fewer than three lines that decide or leave — or one shape over and over."""
    distinct = {line.shape.strip() for line in block}
    deciding = sum(1 for line in block if LOGIC.intersection(line.shape.split()))
    return deciding < 3 or len(distinct) <= len(block) // 2


@dataclass(frozen=True)
class Place:
    path: Path
    first: int
    last: int

    def __str__(self) -> str:
        return f"{self.path.relative_to(SRC.parent.parent)}:{self.first}-{self.last}"


def repeated(size: int = 10, root: Path = SRC) -> list[tuple[Place, Place]]:
    """Pairs of places that share a block of ``size`` lines (the first place of each block)."""
    seen: dict[tuple[str, ...], Place] = {}
    pairs: list[tuple[Place, Place]] = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        lines = shapes(path.read_text(encoding="utf-8"))
        last_reported = -1
        for i in range(len(lines) - size + 1):
            block = lines[i:i + size]
            if _thin(block):
                continue
            key = tuple(line.shape for line in block)
            place = Place(path, block[0].number, block[-1].number)
            first = seen.get(key)
            if first is None:
                seen[key] = place
            elif not (first.path == path and first.last >= place.first) and i > last_reported:
                pairs.append((first, place))
                last_reported = i + size - 1
    return pairs
