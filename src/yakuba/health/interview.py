"""The 問診票 as data (interview.toml): which questions each checkup asks, which are 要配慮. Pure."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from yakuba.health.errors import HealthError
from yakuba.linkage.checkup import CheckupKind

DEFAULT_FILE = Path(__file__).with_name("interview.toml")
KEYS = {"code", "checkups", "text", "choices", "sensitive"}


@dataclass(frozen=True)
class Question:
    code: str
    checkups: tuple[CheckupKind, ...]
    text: str
    choices: tuple[str, ...]
    sensitive: bool


def load(path: Path = DEFAULT_FILE) -> tuple[Question, ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise HealthError(f"問診票のファイルを読めません (cannot read the interview questions): {path}: {exc}",
                          where=str(path)) from exc
    out: list[Question] = []
    seen: set[str] = set()
    for i, row in enumerate(data.get("questions") or [], 1):
        where = f"{path.name} questions[{i}]"
        if not isinstance(row, dict) or set(row) - KEYS or not {"code", "checkups", "text"} <= set(row):
            raise HealthError(f"問診票の項目の形式が正しくありません (keys: {sorted(KEYS)}): {where}", where=where)
        code, text = row["code"], row["text"]
        if not isinstance(code, str) or not code.isidentifier() or code in seen:
            raise HealthError(f"問診の番号が不正か重複しています (bad or duplicate code): {where}", where=where)
        try:
            kinds = tuple(CheckupKind(k) for k in row["checkups"])
        except (TypeError, ValueError) as exc:
            raise HealthError(f"問診の健診の種類が不正です (checkups: m3_4, m18, y3): {where}", where=where) from exc
        choices = row.get("choices", [])
        if not isinstance(text, str) or not text or not isinstance(choices, list) \
                or not all(isinstance(c, str) and c for c in choices) or not kinds:
            raise HealthError(f"問診の文言・選択肢が不正です (bad text or choices): {where}", where=where)
        sensitive = row.get("sensitive", False)
        if not isinstance(sensitive, bool):
            raise HealthError(f"sensitive は true か false です: {where}", where=where)
        seen.add(code)
        out.append(Question(code, kinds, text, tuple(choices), sensitive))
    return tuple(out)


@lru_cache(maxsize=1)
def questions() -> tuple[Question, ...]:
    return load(DEFAULT_FILE)


def for_checkup(kind: CheckupKind) -> tuple[Question, ...]:
    return tuple(q for q in questions() if kind in q.checkups)
