"""What is recorded on an open case: assessment, support plan (goals, tasks), consultation records.

Only the case's assigned workers write (``check_writable``); each step is one audit entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.audit.log import record
from yakuba.consult.actions.cases import check_writable
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import Assessment, Case, ConsultationRecord, Goal, SupportPlan, Task

__all__ = ["do_assess", "do_plan", "do_add_goal", "do_add_task", "check_task_done", "do_task_done", "do_record"]


def do_assess(case: Case, user: Any, *, situation: str, health_details: str = "", risks: str = "",
              at: dt.datetime | None = None, request: Any = None) -> Assessment:
    check_writable(case, user)
    with transaction.atomic():
        a = Assessment.objects.create(case=case, made_at=at or timezone.now(), made_by=user, situation=situation,
                                      health_details=health_details, risks=risks)
        if case.status == Case.Status.INTAKE:
            case.status = Case.Status.ASSESSMENT
            case.save(update_fields=["status"])
        record("consult.assessment.created", request=request, actor=user, target=case, detail={"assessment": a.pk})
    return a


def do_plan(case: Case, user: Any, *, summary: str, goal: str, at: dt.datetime | None = None,
            request: Any = None) -> SupportPlan:
    check_writable(case, user)
    if not case.assessments.exists():
        raise ConsultError(f"ケース {case.number} にはまだアセスメントがありません。先にアセスメントを記録してください。",
                           where=case.number)
    with transaction.atomic():
        plan = SupportPlan.objects.create(case=case, made_at=at or timezone.now(), made_by=user, summary=summary)
        g = Goal.objects.create(plan=plan, text=goal)
        case.status = Case.Status.SUPPORT
        case.save(update_fields=["status"])
        record("consult.plan.created", request=request, actor=user, target=case, detail={"plan": plan.pk, "goal": g.pk})
    return plan


def do_add_goal(plan: SupportPlan, user: Any, text: str, *, request: Any = None) -> Goal:
    check_writable(plan.case, user)
    with transaction.atomic():
        g = Goal.objects.create(plan=plan, text=text)
        record("consult.goal.created", request=request, actor=user, target=plan.case, detail={"goal": g.pk})
    return g


def do_add_task(goal: Goal, user: Any, *, text: str, owner_id: int, due_on: dt.date, request: Any = None) -> Task:
    case = goal.plan.case
    check_writable(case, user)
    owner = next((w for w in case.workers.all() if w.pk == owner_id), None)
    if owner is None:
        raise ConsultError(f"タスクの担当者にできるのはケース {case.number} の担当者だけです。", where="owner")
    with transaction.atomic():
        t = Task.objects.create(goal=goal, text=text, owner=owner, due_on=due_on)
        record("consult.task.created", request=request, actor=user, target=case,
               detail={"task": t.pk, "owner": owner.pk, "due_on": due_on.isoformat()})
    return t


def check_task_done(task: Task, user: Any) -> None:
    check_writable(task.case, user)
    if task.done_on is not None:
        raise ConsultError(f"タスク {task.pk} は完了済みです。", where=f"task {task.pk}")


def do_task_done(task: Task, user: Any, *, on: dt.date | None = None, request: Any = None) -> Task:
    check_task_done(task, user)
    with transaction.atomic():
        task.done_on = on or timezone.localdate()
        task.save(update_fields=["done_on"])
        record("consult.task.done", request=request, actor=user, target=task.case, detail={"task": task.pk})
    return task


def do_record(case: Case, user: Any, *, method: str, said: str, next_step: str = "",
              follow_up_on: dt.date | None = None, at: dt.datetime | None = None, person_id: int | None = None,
              request: Any = None) -> ConsultationRecord:
    check_writable(case, user)
    if method not in ConsultationRecord.Method.values:
        raise ConsultError("方法が正しくありません。", where="method")
    if person_id is not None and not case.people.filter(pk=person_id).exists():
        raise ConsultError(f"相手はケース {case.number} の対象者から選んでください。", where="person")
    with transaction.atomic():
        r = ConsultationRecord.objects.create(case=case, at=at or timezone.now(), worker=user, method=method, said=said,
                                              next_step=next_step, follow_up_on=follow_up_on, person_id=person_id)
        record("consult.record.created", request=request, actor=user, target=case, detail={"record": r.pk})
    return r


