"""Computing a round: its applicants through the city's rules (`yakuba.allocation.rules`: 調整点,
tie-break row order, age class) and the engine, then each child's explanation.

- `do_compute`: store every child's result and explanation (not published; the worker runs it).
- `do_what_if`: the same with one class's capacity changed; nothing saved, only the cells that
  would change are returned.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Callable

from django.db import transaction
from django.utils import timezone

from yakuba.admission.actions.applications import applicant
from yakuba.admission.actions.rounds import check_ready
from yakuba.admission.config import rules
from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Application, Facility, Result, Round
from yakuba.allocation.allocate import allocate
from yakuba.allocation.explain import Explanation, explain
from yakuba.allocation.model import Facility as EngineFacility
from yakuba.allocation.model import Instance
from yakuba.allocation.rules import AgeClassError, Breakdown, score, to_instance
from yakuba.audit.log import record

Progress = Callable[[int, int, str], None]
WHAT_IF_CHANGES = 100
"""At most this many changed cells are kept for the page."""


def _no_progress(done: int, total: int, message: str) -> None:
    pass


@dataclass
class Computed:
    instance: Instance
    outcome: Any
    explanations: list[Explanation]
    breakdowns: dict[str, Breakdown]
    apps: dict[str, Application]


def _compute(rnd: Round, capacity: dict[str, list[int]] | None = None, progress: Progress = _no_progress) -> Computed:
    the_rules = rules()
    facilities = list(rnd.facilities.all())
    codes = {f.code for f in facilities}
    apps = check_ready(rnd)
    progress(0, 3, "申込者の点数と順位を計算しています")
    applicants, by_id = [], {}
    sizes: dict[str, int] = {}
    for a in apps:
        sizes[a.household_id] = sizes.get(a.household_id, 0) + 1
    for a in apps:
        if sizes[a.household_id] > 1 and a.sibling_pattern is None:
            a.sibling_pattern = 5  # 別保順次: at least one child newly placed
        try:
            the_rules.age_class(a.child_birth, rnd.admission_year)
        except AgeClassError as exc:
            raise AdmissionError(f"受付番号 {a.receipt_number}: {exc}") from None
        applicants.append(applicant(a, codes))
        by_id[a.receipt_number] = a
    engine_facilities = [EngineFacility(f.code, f.name, tuple((capacity or {}).get(f.code, f.capacity)))  # type: ignore[arg-type]
                         for f in facilities]
    instance = to_instance(applicants, the_rules, rnd.admission_year, engine_facilities)
    progress(1, 3, f"{len(applicants)} 人の利用調整を計算しています")
    outcome = allocate(instance, effort=30.0)
    progress(2, 3, "決定理由を作成しています")
    breakdowns = {a.id: score(a, the_rules) for a in applicants}
    return Computed(instance, outcome, explain(instance, outcome.allocation), breakdowns, by_id)


def do_compute(rnd: Round, user: Any, *, progress: Progress = _no_progress) -> Round:
    """Run the allocation for the round and store each child's result and explanation (not published)."""
    c = _compute(rnd, progress=progress)
    children = c.instance.children
    results = []
    for i, e in enumerate(c.explanations):
        app = c.apps[e.child_id]
        child = children[i]
        results.append(Result(
            round=rnd, application=app, facility=e.facility or "", first_wish=child.wishes[0] if child.wishes else "",
            age_class=child.age, points=child.points_at(e.facility) if e.facility else e.points, wish_rank=e.wish_rank,
            status=e.status, breakdown=c.breakdowns[e.child_id].describe(), explanation=asdict(e), text=e.text))
    with transaction.atomic():
        rnd.results.all().delete()
        Result.objects.bulk_create(results, batch_size=1000)
        rnd.status, rnd.method, rnd.stable = Round.Status.COMPUTED, c.outcome.method[:200], c.outcome.stable
        rnd.rules_title, rnd.started_by, rnd.computed_at = rules().title[:200], user, timezone.now()
        rnd.approved_by = rnd.approved_at = None
        rnd.save()
        counts = {s: sum(r.status == s for r in results) for s in Result.Status.values}
        record("admission.round.computed", actor=user, target=rnd, detail={"children": len(results), **counts,
                                                                            "stable": c.outcome.stable})
    progress(3, 3, "完了")
    return rnd


def check_what_if(rnd: Round, facility: str, age: int, seats: int) -> Facility:
    """The round's facility of that code, for a capacity of `seats` (≥ 0) in age class `age` (0–5)."""
    found = rnd.facilities.filter(code=facility).first()
    if found is None or not 0 <= age <= 5 or seats < 0:
        raise AdmissionError("施設コード、年齢クラス(0〜5)、定員(0以上)を入力してください。")
    return found


def do_what_if(rnd: Round, facility: str, age: int, seats: int, user: Any, *, request: Any = None) -> dict[str, Any]:
    """試算: the round computed again with `seats` in one class; nothing is saved or published.

    Returns what the page shows (plain data, fit for the session): the question, the children
    placed in all, and each facility × age cell whose placed count would change —
    `[code, age, placed now, placed then]`, at most `WHAT_IF_CHANGES` of them. Audited with the
    facility code and the total, never a child.
    """
    capacity = list(check_what_if(rnd, facility, age, seats).capacity)
    capacity[age] = seats
    c = _compute(rnd, {facility: capacity})
    placed: dict[tuple[str, int], int] = {}
    for child, at in zip(c.instance.children, c.outcome.allocation):
        if at is not None:
            placed[(at, child.age)] = placed.get((at, child.age), 0) + 1
    record("admission.round.what_if", request=request, actor=user, target=rnd,
           detail={"changed": [facility], "placed": sum(placed.values())})
    now = {(r["facility"].code, r["age"]): r["placed"] for r in rnd.table()}
    changed = sorted({k for k in set(now) | set(placed) if now.get(k, 0) != placed.get(k, 0)})
    return {"facility": facility, "age": age, "capacity": seats, "total": sum(placed.values()),
            "changes": [[f, a, now.get((f, a), 0), placed.get((f, a), 0)] for f, a in changed][:WHAT_IF_CHANGES]}
