"""Hypothesis strategies for random valid 乳幼児健診 records (`yakuba.linkage.checkup`), for the 副本 and
FHIR tests and whoever else needs a child: `children()`, `checkup_records(birth_date)`.

"Valid" is what a 副本 1.0 can carry: measurements with the decimals it allows (cm: one, kg: one to
three), dates on or after the birth, a body system once per checkup, 検尿 at 3歳 only, 歯科 at
1歳6か月 and 3歳, no control characters but line feeds in free text. Made-up data only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from yakuba.linkage.checkup import (
    Birth,
    BodySystem,
    CheckupKind,
    CheckupRecord,
    ChildRecord,
    Dental,
    Finding,
    FindingStatus,
    InterviewAnswer,
    Judgement,
    Sex,
    Urine,
    UrineResult,
    VisionHearing,
    age_in_months,
)

# text as staff type it: any letter, digit, mark, punctuation, symbol or space (Japanese included),
# no control characters and no surrogates; `texts` may hold line feeds
_CHARS = st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn"))
lines = st.text(_CHARS, max_size=24)
texts = st.text(st.one_of(_CHARS, st.just("\n")), min_size=1, max_size=40)
local_ids = st.from_regex(r"[0-9A-Za-z][0-9A-Za-z._-]{0,15}", fullmatch=True)
question_codes = st.from_regex(r"q[0-9]{1,3}(\.[a-z]{1,3})?", fullmatch=True)
birth_dates = st.dates(dt.date(2016, 1, 1), dt.date(2030, 12, 31))


def tenths(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """A length in cm with one decimal, low.0 to high.0."""
    return st.integers(low * 10, high * 10).map(lambda n: Decimal(n).scaleb(-1))


def kilograms(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """A weight in kg with one to three decimals, as a scale shows it (12.5, 6.54, 6.540)."""
    return st.tuples(st.integers(low * 1000, high * 1000), st.sampled_from([1, 2, 3])).map(
        lambda t: Decimal(t[0]).scaleb(-3).quantize(Decimal(1).scaleb(-t[1]), rounding="ROUND_DOWN"))


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), strategy)


births = st.builds(Birth, weight_g=maybe(st.integers(300, 5500)), length_cm=maybe(tenths(25, 60)),
                   head_cm=maybe(tenths(20, 40)), chest_cm=maybe(tenths(20, 40)),
                   gestational_weeks=maybe(st.integers(22, 43)))


@st.composite
def findings(draw: st.DrawFn) -> tuple[Finding, ...]:
    systems = draw(st.lists(st.sampled_from(list(BodySystem)), unique=True, max_size=4))
    return tuple(Finding(system, draw(st.sampled_from(list(FindingStatus))), draw(st.one_of(st.just(""), texts)))
                 for system in systems)


@st.composite
def checkup_records(draw: st.DrawFn, birth_date: dt.date, kind: CheckupKind | None = None) -> CheckupRecord:
    """One checkup of a child born on `birth_date`, in its months or a little late."""
    kind = kind or draw(st.sampled_from(list(CheckupKind)))
    low, high = kind.months
    days = draw(st.integers(low * 31, high * 31 + 90))
    checkup_date = birth_date + dt.timedelta(days=days)
    judgement = draw(maybe(st.sampled_from(list(Judgement))))
    exam = None
    if judgement is Judgement.DETAILED_EXAM:
        exam = draw(maybe(st.integers(0, 120).map(lambda d: checkup_date + dt.timedelta(days=d))))
    return CheckupRecord(
        kind=kind,
        checkup_date=checkup_date,
        age_in_months=age_in_months(birth_date, checkup_date),
        height_cm=draw(maybe(tenths(50, 115))),
        weight_kg=draw(maybe(kilograms(3, 30))),
        chest_cm=draw(maybe(tenths(35, 65))),
        head_cm=draw(maybe(tenths(35, 55))),
        findings=draw(findings()),
        judgement=judgement,
        detailed_exam_date=exam,
        urine=draw(maybe(st.builds(Urine, st.sampled_from(list(UrineResult)), st.sampled_from(list(UrineResult)))))
        if kind is CheckupKind.THREE else None,
        nutrition=draw(st.one_of(st.just(""), lines.filter(bool))) if kind is CheckupKind.TODDLER else "",
        dental=draw(maybe(st.builds(Dental, st.integers(0, 20), st.one_of(st.just(""), texts))))
        if kind is not CheckupKind.INFANT else None,
        vision_hearing=draw(maybe(st.builds(VisionHearing, lines, lines))) if kind is not CheckupKind.INFANT else None,
        interview=tuple(draw(st.lists(st.builds(InterviewAnswer, question_codes, st.one_of(st.just(""), texts),
                                                st.booleans()), max_size=3))),
    )


@st.composite
def children(draw: st.DrawFn, max_checkups: int = 3) -> ChildRecord:
    """A child with up to `max_checkups` checkups (any kinds, any order)."""
    birth_date = draw(birth_dates)
    records = draw(st.lists(checkup_records(birth_date), max_size=max_checkups))
    return ChildRecord(local_id=draw(local_ids), birth_date=birth_date, sex=draw(st.sampled_from(list(Sex))),
                       birth=draw(births), checkups=tuple(records))


def without_ordinary_answers(child: ChildRecord) -> ChildRecord:
    """The child as a whole 副本 carries them: only the 要配慮 問診 answers travel."""
    return dataclasses.replace(child, checkups=tuple(
        dataclasses.replace(c, interview=tuple(a for a in c.interview if a.sensitive)) for c in child.checkups))


def example_child() -> ChildRecord:
    """One made-up child with all three checkups (the 3歳 one 要精査, with 検尿)."""
    birth_date = dt.date(2021, 1, 10)
    return ChildRecord(
        local_id="000000000000123", birth_date=birth_date, sex=Sex.FEMALE,
        birth=Birth(weight_g=3012, length_cm=Decimal("49.0"), head_cm=Decimal("33.0"), chest_cm=Decimal("32.0"),
                    gestational_weeks=39),
        checkups=(
            CheckupRecord(CheckupKind.INFANT, dt.date(2021, 5, 12), 4, Decimal("62.3"), Decimal("6.540"),
                          Decimal("41.0"), Decimal("40.5"),
                          findings=(Finding(BodySystem.MUSCULOSKELETAL, FindingStatus.NONE),),
                          judgement=Judgement.HEALTHY,
                          interview=(InterviewAnswer("q12", "はい"), InterviewAnswer("q40", "いいえ", sensitive=True))),
            CheckupRecord(CheckupKind.TODDLER, dt.date(2022, 7, 20), 18, Decimal("80.1"), Decimal("10.2"),
                          Decimal("47.5"), Decimal("46.0"), judgement=Judgement.GUIDANCE, nutrition="良",
                          dental=Dental(0), vision_hearing=VisionHearing("異常なし", "異常なし")),
            CheckupRecord(CheckupKind.THREE, dt.date(2024, 2, 14), 37, Decimal("94.8"), Decimal("13.75"),
                          Decimal("50.2"), Decimal("48.9"),
                          findings=(Finding(BodySystem.URO_GENITAL, FindingStatus.PRESENT, "尿潜血 +"),),
                          judgement=Judgement.DETAILED_EXAM, detailed_exam_date=dt.date(2024, 3, 6),
                          urine=Urine(UrineResult.NEGATIVE, UrineResult.ONE), dental=Dental(2, "要観察"),
                          vision_hearing=VisionHearing("異常なし", "異常なし")),
        ),
    )
