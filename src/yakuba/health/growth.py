"""The growth reference (乳幼児身体発育曲線) as data: percentile bands by sex, measure and age in months.

Pure: no Django. `growth.toml` beside this file holds the 3rd, 50th and 97th percentiles at a few ages;
between them the values are interpolated linearly. The entry screen's plausibility check
(`yakuba.health.checks`) and the child's growth chart both read it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from yakuba.health.errors import HealthError
from yakuba.linkage.checkup import Sex

MEASURES = ("height_cm", "weight_kg", "head_cm", "chest_cm")
LABELS = {"height_cm": "身長", "weight_kg": "体重", "head_cm": "頭囲", "chest_cm": "胸囲"}
UNITS = {"height_cm": "cm", "weight_kg": "kg", "head_cm": "cm", "chest_cm": "cm"}
DEFAULT_FILE = Path(__file__).with_name("growth.toml")


@dataclass(frozen=True)
class Band:
    """The reference at one age: 3rd, 50th and 97th percentile."""

    p3: float
    p50: float
    p97: float


@dataclass(frozen=True)
class Reference:
    source: str
    table: Mapping[tuple[str, Sex], tuple[tuple[int, Band], ...]]
    limits: Mapping[str, tuple[float, float]]

    def band(self, measure: str, sex: Sex, months: float) -> Band | None:
        """The band at `months` (interpolated), or None beyond the table's ages."""
        rows = self.table.get((measure, sex))
        if not rows or months < rows[0][0] or months > rows[-1][0]:
            return None
        for (m0, b0), (m1, b1) in zip(rows, rows[1:]):
            if m0 <= months <= m1:
                t = 0.0 if m1 == m0 else (months - m0) / (m1 - m0)
                return Band(*(a + (b - a) * t for a, b in ((b0.p3, b1.p3), (b0.p50, b1.p50), (b0.p97, b1.p97))))
        return rows[-1][1]

    def curves(self, measure: str, sex: Sex, up_to_months: int = 72) -> dict[str, list[tuple[int, float]]]:
        """The three curves month by month (for the chart)."""
        out: dict[str, list[tuple[int, float]]] = {"p3": [], "p50": [], "p97": []}
        for m in range(0, up_to_months + 1):
            b = self.band(measure, sex, m)
            if b is not None:
                out["p3"].append((m, round(b.p3, 2)))
                out["p50"].append((m, round(b.p50, 2)))
                out["p97"].append((m, round(b.p97, 2)))
        return out


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise HealthError(f"発育曲線の値が数ではありません (not a number): {where}", where=where)
    return float(value)


def load(path: Path = DEFAULT_FILE) -> Reference:
    """Read and check a growth reference file; every error names the file and the row."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise HealthError(f"発育曲線のファイルを読めません (cannot read the growth reference): {path}: {exc}",
                          where=str(path)) from exc
    table: dict[tuple[str, Sex], tuple[tuple[int, Band], ...]] = {}
    for measure in MEASURES:
        for sex in Sex:
            rows = (data.get(measure) or {}).get(sex.value)
            where = f"{path.name} [{measure}] {sex.value}"
            if not isinstance(rows, list) or len(rows) < 2:
                raise HealthError(f"発育曲線に {LABELS[measure]}({sex.label})の行がありません (missing rows): {where}",
                                  where=where)
            parsed: list[tuple[int, Band]] = []
            for i, row in enumerate(rows, 1):
                at = f"{where} row {i}"
                if not isinstance(row, list) or len(row) != 4:
                    raise HealthError(f"発育曲線の行は [月齢, 3%, 50%, 97%] です (row must have 4 values): {at}", where=at)
                month = row[0]
                if isinstance(month, bool) or not isinstance(month, int) or month < 0:
                    raise HealthError(f"月齢が整数ではありません (age in months must be a whole number): {at}", where=at)
                p3, p50, p97 = (_number(v, at) for v in row[1:])
                if not 0 < p3 < p50 < p97:
                    raise HealthError(f"パーセンタイルの順序が正しくありません (need 0 < 3% < 50% < 97%): {at}", where=at)
                if parsed and month <= parsed[-1][0]:
                    raise HealthError(f"月齢が昇順ではありません (ages must increase): {at}", where=at)
                parsed.append((month, Band(p3, p50, p97)))
            table[(measure, sex)] = tuple(parsed)
    limits: dict[str, tuple[float, float]] = {}
    for measure in MEASURES:
        pair = (data.get("limits") or {}).get(measure)
        where = f"{path.name} [limits] {measure}"
        if not isinstance(pair, list) or len(pair) != 2:
            raise HealthError(f"発育曲線に {LABELS[measure]} の限界値がありません (missing limits): {where}", where=where)
        low, high = (_number(v, where) for v in pair)
        if not 0 < low < high:
            raise HealthError(f"限界値の順序が正しくありません (need 0 < low < high): {where}", where=where)
        limits[measure] = (low, high)
    return Reference(str(data.get("source", "")), table, limits)


@lru_cache(maxsize=1)
def reference() -> Reference:
    """The reference the product uses (this package's growth.toml)."""
    return load(DEFAULT_FILE)


def as_float(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)
