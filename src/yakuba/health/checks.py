"""Checks of a 乳幼児健診 entry before it is kept: errors refuse it, warnings ask the staff to confirm.

Pure: no Django. The entry screen and the CSV import both call `check_checkup`; a warning that the
staff confirmed is stored with the record (`confirmed_warnings`), so that a later reader knows that an
unusual value was looked at and not a slip of the keyboard.

- dates: the checkup after the birth and not in the future; 受診時月齢 as computed from both;
- age: the checkup's usual 月齢 (3〜4か月: 3–5, 1歳6か月: 18–23, 3歳: 36–47), else a warning;
- growth: a value no child can have is an error (6.5 kg typed as 65); one outside the 3rd–97th
  percentile of the growth reference for the sex and age is a warning; far outside it, a stronger one;
  a height lower than at an earlier checkup by more than 1 cm is a warning;
- items: 精密検査受診日 only with 要精査 and not before the checkup; 検尿 only at 3歳; むし歯 0–20.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

from yakuba.health.growth import LABELS, UNITS, Reference, reference
from yakuba.linkage.checkup import CheckupKind, Judgement, Sex, age_in_months

ERROR, WARNING = "error", "warning"
HEIGHT_DROP_CM = 1.0


@dataclass(frozen=True)
class Issue:
    """One finding of the checks: `code` is stable (stored when a warning is confirmed)."""

    severity: str
    field: str
    code: str
    message: str

    @property
    def key(self) -> str:
        """What a confirmation names: the field and the code (``weight_kg:outside_band``)."""
        return f"{self.field}:{self.code}"


@dataclass(frozen=True)
class Entry:
    """What the staff entered (or a CSV row gave), before it becomes a record."""

    kind: CheckupKind
    checkup_date: dt.date
    height_cm: Decimal | None = None
    weight_kg: Decimal | None = None
    chest_cm: Decimal | None = None
    head_cm: Decimal | None = None
    judgement: Judgement | None = None
    detailed_exam_date: dt.date | None = None
    urine_given: bool = False
    caries_teeth: int | None = None
    age_in_months: int | None = None     # when given (a CSV column), it must agree with the dates


@dataclass(frozen=True)
class Earlier:
    """An earlier checkup of the same child (for the height that must not shrink)."""

    kind: CheckupKind
    checkup_date: dt.date
    height_cm: Decimal | None


def _fmt(value: float, measure: str) -> str:
    return f"{value:.1f}{UNITS[measure]}" if measure != "weight_kg" else f"{value:.2f}kg"


def check_checkup(entry: Entry, *, birth_date: dt.date, sex: Sex, today: dt.date,
                  earlier: Iterable[Earlier] = (), ref: Reference | None = None) -> list[Issue]:
    """Every error and warning of `entry`, in the order of the screen's fields."""
    ref = ref or reference()
    issues: list[Issue] = []
    months: int | None = None
    if entry.checkup_date < birth_date:
        issues.append(Issue(ERROR, "checkup_date", "before_birth", "健診受診日が生年月日より前です。"))
    elif entry.checkup_date > today:
        issues.append(Issue(ERROR, "checkup_date", "future", "健診受診日が未来の日付です。"))
    else:
        months = age_in_months(birth_date, entry.checkup_date)
        if entry.age_in_months is not None and entry.age_in_months != months:
            issues.append(Issue(ERROR, "age_in_months", "disagrees",
                                f"受診時月齢 {entry.age_in_months}か月 が、生年月日と健診受診日から計算した "
                                f"{months}か月 と違います。"))
        low, high = entry.kind.months
        if not low <= months <= high:
            issues.append(Issue(WARNING, "checkup_date", "unusual_age",
                                f"{entry.kind.label}の受診時月齢は通常 {low}〜{high}か月 ですが、{months}か月 です。"))
    for measure in ("height_cm", "weight_kg", "chest_cm", "head_cm"):
        value = getattr(entry, measure)
        if value is None:
            continue
        v = float(value)
        lo, hi = ref.limits[measure]
        if not lo <= v <= hi:
            issues.append(Issue(ERROR, measure, "impossible",
                                f"{LABELS[measure]} {_fmt(v, measure)} はありえない値です(単位・桁を確認してください)。"))
            continue
        band = ref.band(measure, sex, months) if months is not None else None
        if band is None:
            continue
        if v < band.p3 or v > band.p97:
            far = v < band.p3 - (band.p50 - band.p3) or v > band.p97 + (band.p97 - band.p50)
            where = "下" if v < band.p3 else "上"
            if far:
                issues.append(Issue(WARNING, measure, "far_outside",
                                    f"{LABELS[measure]} {_fmt(v, measure)} は {months}か月の発育曲線から大きく外れています"
                                    f"(3〜97パーセンタイル {_fmt(band.p3, measure)}〜{_fmt(band.p97, measure)})。"
                                    "入力の誤りでないか確認してください。"))
            else:
                issues.append(Issue(WARNING, measure, "outside_band",
                                    f"{LABELS[measure]} {_fmt(v, measure)} は {months}か月の3〜97パーセンタイル"
                                    f"({_fmt(band.p3, measure)}〜{_fmt(band.p97, measure)})の{where}です。"))
    if entry.height_cm is not None:
        for e in earlier:
            if e.height_cm is not None and e.checkup_date < entry.checkup_date \
                    and float(e.height_cm) - float(entry.height_cm) > HEIGHT_DROP_CM:
                issues.append(Issue(WARNING, "height_cm", "height_decreased",
                                    f"身長が{e.kind.label}({_fmt(float(e.height_cm), 'height_cm')})より低くなっています。"))
                break
    if entry.detailed_exam_date is not None:
        if entry.judgement is not Judgement.DETAILED_EXAM:
            issues.append(Issue(ERROR, "detailed_exam_date", "without_detailed",
                                "精密検査受診日は、判定が「要精査」のときだけ記録します。"))
        elif entry.detailed_exam_date < entry.checkup_date:
            issues.append(Issue(ERROR, "detailed_exam_date", "before_checkup", "精密検査受診日が健診受診日より前です。"))
        elif entry.detailed_exam_date > today:
            issues.append(Issue(ERROR, "detailed_exam_date", "future", "精密検査受診日が未来の日付です。"))
    if entry.urine_given and entry.kind is not CheckupKind.THREE:
        issues.append(Issue(ERROR, "urine", "not_at_this_checkup", "検尿は3歳児健診の項目です。"))
    if entry.caries_teeth is not None and not 0 <= entry.caries_teeth <= 20:
        issues.append(Issue(ERROR, "caries_teeth", "out_of_range", "むし歯の本数は 0〜20 で入力してください。"))
    return issues


def errors(issues: Sequence[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == ERROR]


def unconfirmed(issues: Sequence[Issue], confirmed: Iterable[str]) -> list[Issue]:
    """The warnings not among `confirmed` (their keys)."""
    done = set(confirmed)
    return [i for i in issues if i.severity == WARNING and i.key not in done]
