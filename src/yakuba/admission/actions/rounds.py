"""A round of the 利用調整: created from the facilities table, checked, started, approved, and the
second round (二次調整) after it. Computing it is `computing`.

- `read_facilities` + `do_create_round`: the round's facilities and 定員 per age class.
- `check_ready`: the round's applicants, or why staff must act first (照合待ち, 承認済み).
- `do_start_compute`: the round is marked running and computed by the worker (`admission.jobs`).
- `check_approve` / `do_approve`: a supervisor, and not the person who computed it (two people).
- `do_create_second_round`: accepted seats leave the capacity, declined ones return.
- `overview`: the results page's figures (table, counts, the lowest points placed per age).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from yakuba.accounts.roles import Role
from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Application, Facility, Result, Round
from yakuba.allocation.io import InputError, read_daycares
from yakuba.allocation.tables import InMemory
from yakuba.audit.log import record
from yakuba.jobs.models import Job
from yakuba.jobs.tasks import start

COMPUTE_JOB = "admission.compute_round"


def read_facilities(path: Path | InMemory) -> list[tuple[str, str, list[int]]]:
    """施設ID, 施設名, 0歳定員 … 5歳定員: the engine's daycares table (CSV in UTF-8 or Shift_JIS, or
    .xlsx), read and checked by the allocation core (`yakuba.allocation.io.read_daycares`,
    `docs/formats/allocation-io.md` §4: an ID on every row and no ID twice, every 定員 an integer ≥ 0).
    """
    try:
        facilities = read_daycares(path)
    except InputError as exc:
        raise AdmissionError(_unreadable(exc), where=exc.where) from None
    return [(f.id, f.name, list(f.capacity)) for f in facilities]


def _unreadable(exc: InputError) -> str:
    """The first problem, where it is (row and column) and why — never the value in the cell."""
    first = exc.problems[0] if exc.problems else None
    if first is None:
        return "施設のファイルを読めません。"
    at = "".join([f"{first.row} 行目" if first.row is not None else "", f"({first.column})" if first.column else ""])
    more = f" ほか {exc.total - 1} 件" if exc.total > 1 else ""
    return f"施設のファイルを読めません{': ' + at if at else ''}: {first.message}{more}"


def do_create_round(admission_year: int, facilities: Iterable[tuple[str, str, Sequence[int]]], user: Any, *,
                    name: str = "", number: int = 1, previous: Round | None = None, request: Any = None) -> Round:
    """A new round (draft) of the year with its facilities and their 定員 per age class 0–5."""
    with transaction.atomic():
        rnd = Round.objects.create(name=name or f"{admission_year}年度 {'一次' if number == 1 else '二次'}調整",
                                   admission_year=admission_year, number=number, previous=previous)
        Facility.objects.bulk_create([Facility(round=rnd, code=c, name=n, capacity=[int(x) for x in cap])
                                      for c, n, cap in facilities])
        record("admission.round.created", request=request, actor=user, target=rnd,
               detail={"facilities": rnd.facilities.count(), "number": number})
    return rnd


def participants(rnd: Round) -> list[Application]:
    """一次: every application of the year. 二次: round-1 waiting children and late applications."""
    apps = Application.objects.filter(admission_year=rnd.admission_year).select_related(
        "guardian1_resident", "guardian2_resident")
    if rnd.previous is not None:
        earlier = Result.objects.filter(round__admission_year=rnd.admission_year, round__number__lt=rnd.number)
        decided = earlier.exclude(status=Result.Status.WAITING).values("application")
        apps = apps.exclude(pk__in=decided)
    return list(apps)


def check_ready(rnd: Round) -> list[Application]:
    """The round's participants, or AdmissionError when staff must act first (照合待ち, 承認済み)."""
    if rnd.status == Round.Status.APPROVED:
        raise AdmissionError("承認済みの利用調整は計算し直せません。")
    apps = participants(rnd)
    pending = [a.receipt_number for a in apps if a.match == Application.Match.PENDING]
    if pending:
        shown = ", ".join(pending[:5]) + (" …" if len(pending) > 5 else "")
        raise AdmissionError(f"住民記録との照合が済んでいない申込が {len(pending)} 件あります"
                             f"(受付番号 {shown})。照合してから計算してください。")
    if not apps:
        raise AdmissionError("この利用調整の対象となる申込がありません。")
    return apps


def do_start_compute(rnd: Round, user: Any, *, request: Any = None) -> Job:
    """Mark the round running and queue its computation for the worker; the job shows the progress."""
    check_ready(rnd)
    with transaction.atomic():
        Round.objects.filter(pk=rnd.pk).update(status=Round.Status.RUNNING)
        rnd.status = Round.Status.RUNNING
        job = start(COMPUTE_JOB, user=user, params={"round": rnd.pk})
        record("admission.round.started", request=request, actor=user, target=rnd, detail={"job": job.pk})
    return job


def check_approve(rnd: Round, user: Any) -> None:
    """Only a computed round, only by a supervisor, and not by the person who computed it."""
    if rnd.status != Round.Status.COMPUTED:
        raise AdmissionError("計算済みで承認待ちの利用調整だけを承認できます。")
    if getattr(user, "role", None) != Role.CITY_SUPERVISOR:
        raise AdmissionError("承認できるのは所属長だけです。")
    if rnd.started_by_id is not None and rnd.started_by_id == user.pk:
        raise AdmissionError("計算した職員とは別の職員が承認してください(二人による確認)。")


def do_approve(rnd: Round, user: Any, *, notice_date: dt.date | None = None, request: Any = None) -> Round:
    """Publish the computed round (two people): notices and the results CSV can be made from now on."""
    check_approve(rnd, user)
    with transaction.atomic():
        rnd.status, rnd.approved_by, rnd.approved_at = Round.Status.APPROVED, user, timezone.now()
        rnd.notice_date = notice_date or timezone.localdate()
        rnd.save(update_fields=["status", "approved_by", "approved_at", "notice_date"])
        record("admission.round.approved", request=request, actor=user, target=rnd,
               detail={"computed_by": rnd.started_by_id})
    return rnd


def do_create_second_round(first: Round, user: Any, *, request: Any = None) -> Round:
    """二次調整: accepted (or unanswered) round-1 placements keep their seats, which leave the
    capacity; declined seats return. Waiting children and late applications take part."""
    if first.status != Round.Status.APPROVED:
        raise AdmissionError("承認済みの利用調整の後にだけ二次調整を作成できます。")
    taken: dict[tuple[str, int], int] = {}
    for facility, age in (first.results.filter(status=Result.Status.PLACED)
                          .exclude(response=Result.Response.DECLINED).values_list("facility", "age_class")):
        taken[(facility, age)] = taken.get((facility, age), 0) + 1
    facilities = [(f.code, f.name, [max(0, f.capacity[a] - taken.get((f.code, a), 0)) for a in range(6)])
                  for f in first.facilities.all()]
    return do_create_round(first.admission_year, facilities, user, number=first.number + 1, previous=first,
                           request=request)


def cutoffs(table: list[dict]) -> list[int | None]:
    """Per age class 0–5, the lowest points placed anywhere (ボーダー): the lowest of the cells' cut-offs."""
    out: list[int | None] = []
    for age in range(6):
        points = [r["cutoff"] for r in table if r["age"] == age and r["cutoff"] is not None]
        out.append(min(points) if points else None)
    return out


def overview(rnd: Round) -> dict[str, Any]:
    """The results page's figures: the facility × age table, the cut-offs and waiting children per
    age class, and how many children each result has (and how many have points to check)."""
    table = rnd.table()
    counts = {s: rnd.results.filter(status=s).count() for s in Result.Status.values}
    counts["problems"] = rnd.results.filter(breakdown__contains="要確認").count()
    return {"table": table, "cutoffs": cutoffs(table), "waiting": rnd.waiting_by_age(), "counts": counts}
