"""A synthetic case with marker strings in every declared field, and the centre's users."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from tests import factories
from yakuba.accounts.access import routes
from yakuba.accounts.roles import Role
from yakuba.consult.actions import cases, records
from yakuba.consult.models import Case, Goal, Person, SupportPlan, Task

MARKERS = {
    "name": "試験氏名ZQX一",
    "kana": "シケンシメイZQX",
    "address": "架空市ZQX町9-9-9",
    "phone": "000-9999-0001",
    "resident_key": "99887766",
    "worry": "MARKER-WORRY-7731",
    "situation": "MARKER-SITUATION-4410",
    "health": "MARKER-HEALTH-5521",
    "risks": "MARKER-RISK-3307",
    "summary": "MARKER-PLAN-2290",
    "goal": "MARKER-GOAL-8812",
    "task": "MARKER-TASK-6643",
    "said": "MARKER-SAID-1187",
    "next": "MARKER-NEXT-9054",
    "member": "試験家族ZQX二",
}
HEALTH = {MARKERS["health"]}
"""Markers of the health/disability details: assigned workers only."""


@dataclass
class World:
    worker: Any
    other_worker: Any
    chief: Any
    case: Case
    person: Person
    plan: SupportPlan
    goal: Goal
    task: Task


def world() -> World:
    worker = factories.user(Role.CENTER_WORKER, "w-assigned")
    other = factories.user(Role.CENTER_WORKER, "w-other")
    chief = factories.user(Role.CENTER_SUPERVISOR, "chief")
    m = MARKERS
    case = cases.do_open_case(worker, person={"name": m["name"], "name_kana": m["kana"], "birth_date": dt.date(1950, 3, 4),
                                              "address": m["address"], "phone": m["phone"],
                                              "resident_key": m["resident_key"]},
                              domains=["elderly", "disability"], route="phone", urgency="soon", worry=m["worry"])
    cases.do_add_member(case, worker, {"name": m["member"]})
    records.do_assess(case, worker, situation=m["situation"], health_details=m["health"], risks=m["risks"])
    plan = records.do_plan(case, worker, summary=m["summary"], goal=m["goal"])
    goal = plan.goals.get()
    task = records.do_add_task(goal, worker, text=m["task"], owner_id=worker.pk, due_on=dt.date.today())
    records.do_record(case, worker, method="home_visit", said=m["said"], next_step=m["next"],
                      follow_up_on=dt.date.today() - dt.timedelta(days=3))
    return World(worker, other, chief, case, case.people.order_by("pk").first(), plan, goal, task)  # type: ignore[arg-type]


def consult_urls(w: World) -> list[str]:
    """Every URL of the consult app, with this world's ids."""
    ids = {"goal_add": w.plan.pk, "task_add": w.goal.pk, "task_done": w.task.pk, "person": w.person.pk}
    out = []
    for route in routes():
        if not route.name.startswith("consult:"):
            continue
        short = route.name.split(":", 1)[1]
        out.append(reverse(route.name, kwargs={"pk": ids.get(short, w.case.pk)}) if route.takes_arguments
                   else reverse(route.name))
    return out


# --- retention and corrections (retain) ---------------------------------------------------------

def closed_years_ago(w: World, years: int, days: int = 1) -> Case:
    """Close the world's case `years` years and `days` days before today (the センター長 closes it)."""
    today = dt.date.today()
    on = today.replace(year=today.year - years) - dt.timedelta(days=days)
    return cases.do_close(w.case, w.chief, reason="resolved", note="MARKER-CLOSE-4471", on=on)


def store_case_files(case: Case, user: Any, contents: list[bytes]) -> list[Any]:
    """Files kept for a case in the vault, as the attachments store them (batch consult-case:<pk>)."""
    import io

    from yakuba.vault import service as vault

    return [vault.store(io.BytesIO(data), kind="attachment", description=f"ケース {case.number} の添付 {i + 1}",
                        organisation=case.centre, user=user, categories=["sensitive"], batch=f"consult-case:{case.pk}")
            for i, data in enumerate(contents)]
