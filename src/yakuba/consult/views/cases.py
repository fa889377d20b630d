"""Screens of the 基幹福祉相談センター: parse with a form, call an action, show what the level allows.

Which case a user may know, and which of its fields, `yakuba.consult.access` decides; the fields a
level may not receive are never read into the page, and those shown go through
`yakuba.audit.reveal` (masked by role, audited with the categories shown).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Iterable, Sequence

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.audit.reveal import reveal_rows
from yakuba.consult.access import Level, access_case_by_id, access_person_by_id, centre_cases, shown_fields
from yakuba.consult.actions import cases as case_actions
from yakuba.consult.actions import records as record_actions
from yakuba.consult.forms import (AssessmentForm, CloseForm, GoalForm, IntakeForm, MemberForm, PlanForm, RecordForm,
                                  TaskForm, WorkerForm)
from yakuba.consult.models import (Assessment, Case, ConsultationRecord, Domain, Goal, Intake, Person, SupportPlan,
                                   Task)
from yakuba.consult.queue import queue_for
from yakuba.consult.views import sharing as sharing_views
from yakuba.consult.views import terminals as terminals_views
from yakuba.shown import labelled, shown
from yakuba.consult.views import retain as retain_views
from yakuba.consult.views import attachments as attachments_views
from yakuba.wareki import to_wareki
from yakuba.web import cleaned, user_errors

CENTRE = (Role.CENTER_WORKER, Role.CENTER_SUPERVISOR)
SECTION = _("基幹福祉相談センター")
STATISTICS = dict(departments=("fukushi",))
"""福祉課 (organisation "fukushi"): the city department that contracts the centre; statistics only."""

PERSON_FIELDS = ("name", "name_kana", "birth_date", "address", "phone", "resident_key")
INTAKE_FIELDS = ("received_at", "route", "urgency", "worry")
ASSESSMENT_FIELDS = ("made_at", "situation", "health_details", "risks")
PLAN_FIELDS = ("made_at", "summary")
GOAL_FIELDS = ("text",)
TASK_FIELDS = ("text", "due_on", "done_on")
RECORD_FIELDS = ("at", "method", "said", "next_step", "follow_up_on")
CLOSE_FIELDS = ("closed_on", "close_reason", "close_note")
RECORDS_PER_PAGE = 50
"""The case page shows the newest 50 consultation records; older ones page by page (?records=2)."""


_shown, _labelled = shown, labelled


def _rows(request: HttpRequest, level: Level, model: type[models.Model], instances: Iterable[models.Model],
          fields: Sequence[str]) -> tuple[list[str], list[tuple[Any, list[tuple[str, str, Any]]]]]:
    """Only the fields the level may receive are read; those go through reveal_rows (audited)."""
    allowed = shown_fields(level, model, fields)
    instances = list(instances)
    rows = reveal_rows(request, instances, allowed, action="consult.read")
    return allowed, [(inst, _labelled(model, allowed, row)) for inst, row in zip(instances, rows)]


def _case_url(request: HttpRequest, pk: int, **_: Any) -> str:
    return reverse("consult:case", kwargs={"pk": pk})


# --- the queue, the list, the intake ------------------------------------------------------------


@allow(*CENTRE, menu=_("相談支援の作業一覧"), section=SECTION, order=100)
def queue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    q = queue_for(request.user, today)
    mine = list(q.my_cases.prefetch_related("people")[:200])
    people = [p for c in mine for p in c.people.all()[:1]]
    names = {r["pk"]: r.get("name") for r in reveal_rows(request, people, shown_fields(Level.ASSIGNED, Person, ("name",)),
                                                         action="consult.read")}
    my_rows = [(c, names.get(c.people.all()[0].pk) if c.people.all() else "") for c in mine]
    due = list(q.due_tasks[:200])
    overdue = list(q.overdue_tasks[:200])
    _, due_rows = _rows(request, Level.ASSIGNED, Task, due, TASK_FIELDS)
    _, overdue_rows = _rows(request, Level.ASSIGNED, Task, overdue, TASK_FIELDS)
    follow = list(q.overdue_follow_ups[:200])
    return render(request, "consult/queue.html", {
        "today": to_wareki(today), "my_rows": my_rows, "due_rows": due_rows, "overdue_rows": overdue_rows,
        "new_intakes": list(q.new_intakes[:200]),
        "follow_ups": [(r, to_wareki(r.follow_up_on)) for r in follow],
        "overdue_requests": [(r, to_wareki(r.due_on)) for r in q.overdue_requests[:200]],
    })


@allow(*CENTRE, menu=_("相談ケースの一覧"), section=SECTION, order=110)
def case_list(request: HttpRequest) -> HttpResponse:
    """Every case of the centre: that it exists and whom to ask — no names, no notes."""
    cases = list(centre_cases(request.user).prefetch_related("workers").select_related("supervisor")[:500])
    return render(request, "consult/case_list.html", {"cases": cases})


@allow(*CENTRE, menu=_("相談受付"), section=SECTION, order=120)
@user_errors("consult:intake")
def intake_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "consult/intake.html", {"form": IntakeForm()})
    data = cleaned(IntakeForm, request)
    case = case_actions.do_open_case(
        request.user, person={k: data.get(k) for k in PERSON_FIELDS}, domains=data["domains"], route=data["route"],
        urgency=data["urgency"], worry=data["worry"], track=data["track"] or Case.Track.CONSENT, request=request)
    messages.success(request, f"相談を受け付けました(ケース {case.number})。")
    return redirect("consult:case", pk=case.pk)


# --- one case -----------------------------------------------------------------------------------


def _timeline(parts: Iterable[tuple[str, Any, list[tuple[str, str, Any]]]]) -> list[dict[str, Any]]:
    out = [{"kind": kind, "at": at, "when": _shown(at), "rows": rows} for kind, at, rows in parts if at is not None]

    def key(e: dict[str, Any]) -> dt.datetime:
        at = e["at"]
        return at if isinstance(at, dt.datetime) else timezone.make_aware(dt.datetime.combine(at, dt.time.max))

    return sorted(out, key=key)


def _case_events(request: HttpRequest, case: Case, level: Level) -> dict[str, Any]:
    people = list(case.people.order_by("pk"))
    _, people_rows = _rows(request, level, Person, people, PERSON_FIELDS)
    intake = Intake.objects.filter(case=case).first()
    _, intake_rows = _rows(request, level, Intake, [intake] if intake else [], INTAKE_FIELDS)
    _, assessment_rows = _rows(request, level, Assessment, case.assessments.all(), ASSESSMENT_FIELDS)
    plans = list(case.plans.all())
    _, plan_rows = _rows(request, level, SupportPlan, plans, PLAN_FIELDS)
    goals = list(Goal.objects.filter(plan__case=case).order_by("pk"))
    _, goal_rows = _rows(request, level, Goal, goals, GOAL_FIELDS)
    tasks = list(Task.objects.filter(goal__plan__case=case).select_related("owner", "goal").order_by("due_on", "pk"))
    _, task_rows = _rows(request, level, Task, tasks, TASK_FIELDS)
    older = case.records.order_by("-at", "-pk")
    page = Paginator(older.select_related("worker"), RECORDS_PER_PAGE).get_page(request.GET.get("records"))
    records = sorted(page.object_list, key=lambda r: (r.at, r.pk))
    _, record_rows = _rows(request, level, ConsultationRecord, records, RECORD_FIELDS)
    close_row: list[tuple[str, str, Any]] = []
    if case.is_closed:
        _, [(_, close_row)] = _rows(request, level, Case, [case], CLOSE_FIELDS)
    timeline = _timeline(
        [("相談受付", i.received_at, rows) for i, rows in intake_rows]
        + [("アセスメント", a.made_at, rows) for a, rows in assessment_rows]
        + [("支援計画", p.made_at, rows) for p, rows in plan_rows]
        + [(f"相談記録({r.worker.username})", r.at, rows) for r, rows in record_rows]
        + ([("終結", case.closed_on, close_row)] if case.is_closed else []))
    goals_with_tasks = [(g, rows, [(t, trows) for t, trows in task_rows if t.goal_id == g.pk]) for g, rows in goal_rows]
    return {"people_rows": people_rows, "assessment_rows": assessment_rows, "plan_rows": plan_rows,
            "goals": goals_with_tasks, "timeline": timeline, "plans": plans, "records_page": page}


@allow(*CENTRE)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case, level = access_case_by_id(request.user, pk)
    context: dict[str, Any] = {"case": case, "level": level.name.lower(), "workers": list(case.workers.order_by("username"))}
    if level >= Level.SUPERVISOR:
        context.update(_case_events(request, case, level))
        assigned = level == Level.ASSIGNED and not case.is_closed
        context.update({
            "can_write": assigned, "can_manage": not case.is_closed,
            "assessment_form": AssessmentForm(), "plan_form": PlanForm(), "goal_form": GoalForm(),
            "task_form": TaskForm(owners=context["workers"]), "record_form": RecordForm(), "member_form": MemberForm(),
            "close_form": CloseForm(),
            "worker_form": WorkerForm(workers=[w for w in case_actions.centre_workers(case) if w not in context["workers"]]),
        })
        context.update(sharing_views.case_context(request, case, level))
        context.update(retain_views.case_context(request, case, level))
        context.update(attachments_views.case_context(request, case, level))
    else:
        record("consult.case.existence", request=request, target=case)
    context.update(terminals_views.break_glass_context(request, case, level))
    return render(request, "consult/case_detail.html", context)


def _assigned_case(request: HttpRequest, pk: int) -> Case:
    case, _level = access_case_by_id(request.user, pk, at_least=Level.ASSIGNED)
    return case


@allow(*CENTRE)
@require_POST
@user_errors(_case_url)
def case_assess(request: HttpRequest, pk: int) -> HttpResponse:
    case = _assigned_case(request, pk)
    record_actions.do_assess(case, request.user, **cleaned(AssessmentForm, request), request=request)
    messages.success(request, "アセスメントを記録しました。")
    return redirect("consult:case", pk=case.pk)


@allow(*CENTRE)
@require_POST
@user_errors(_case_url)
def case_plan(request: HttpRequest, pk: int) -> HttpResponse:
    case = _assigned_case(request, pk)
    record_actions.do_plan(case, request.user, **cleaned(PlanForm, request), request=request)
    messages.success(request, "支援計画を作成しました。")
    return redirect("consult:case", pk=case.pk)


@allow(*CENTRE)
@require_POST
@user_errors(_case_url)
def case_record(request: HttpRequest, pk: int) -> HttpResponse:
    case = _assigned_case(request, pk)
    data = cleaned(RecordForm, request)
    record_actions.do_record(case, request.user, request=request, **data)
    messages.success(request, "相談記録を追加しました。")
    return redirect("consult:case", pk=case.pk)


@allow(*CENTRE)
@require_POST
@user_errors(_case_url)
def case_member(request: HttpRequest, pk: int) -> HttpResponse:
    case = _assigned_case(request, pk)
    case_actions.do_add_member(case, request.user, cleaned(MemberForm, request), request=request)
    messages.success(request, "世帯の対象者を追加しました。")
    return redirect("consult:case", pk=case.pk)


@allow(*CENTRE)
@require_POST
@user_errors(_case_url)
def case_worker(request: HttpRequest, pk: int) -> HttpResponse:
    case, _level = access_case_by_id(request.user, pk, at_least=Level.SUPERVISOR)
    data = cleaned(WorkerForm, request, workers=case_actions.centre_workers(case))
    worker = case_actions.do_assign_worker(case, request.user, data["worker"], request=request)
    messages.success(request, f"{worker.username} を担当者にしました。")
    return redirect("consult:case", pk=case.pk)


@allow(*CENTRE)
@require_POST
@user_errors(_case_url)
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case, _level = access_case_by_id(request.user, pk, at_least=Level.SUPERVISOR)
    data = cleaned(CloseForm, request)
    case_actions.do_close(case, request.user, reason=data["reason"], note=data["note"], request=request)
    messages.success(request, f"ケース {case.number} を終結しました。")
    return redirect("consult:case", pk=case.pk)


def _or_403(queryset: Any, pk: int) -> Any:
    """A plan, goal or task by id, or the same 403 as for a case the user may not see: a missing id
    answers like a forbidden one, so ids are no oracle of what exists."""
    model = getattr(queryset, "model", queryset)
    found = model._default_manager.all() if queryset is model else queryset
    obj = found.filter(pk=pk).first()
    if obj is None:
        raise PermissionDenied("このケースを閲覧する権限がありません。")
    return obj


def _goal_case(request: HttpRequest, pk: int, **_: Any) -> str:
    return _case_url(request, _or_403(Goal.objects.select_related("plan"), pk=pk).plan.case_id)


def _plan_case(request: HttpRequest, pk: int, **_: Any) -> str:
    return _case_url(request, _or_403(SupportPlan, pk=pk).case_id)


def _task_case(request: HttpRequest, pk: int, **_: Any) -> str:
    return _case_url(request, _or_403(Task.objects.select_related("goal__plan"), pk=pk).goal.plan.case_id)


@allow(*CENTRE)
@require_POST
@user_errors(_plan_case)
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _or_403(SupportPlan, pk=pk)
    _assigned_case(request, plan.case_id)
    record_actions.do_add_goal(plan, request.user, cleaned(GoalForm, request)["text"], request=request)
    messages.success(request, "目標を追加しました。")
    return redirect("consult:case", pk=plan.case_id)


@allow(*CENTRE)
@require_POST
@user_errors(_goal_case)
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _or_403(Goal.objects.select_related("plan__case"), pk=pk)
    case = _assigned_case(request, goal.plan.case_id)
    data = cleaned(TaskForm, request, owners=list(case.workers.all()))
    record_actions.do_add_task(goal, request.user, text=data["text"], owner_id=data["owner"], due_on=data["due_on"],
                               request=request)
    messages.success(request, "タスクを追加しました。")
    return redirect("consult:case", pk=case.pk)


@allow(*CENTRE)
@require_POST
@user_errors(_task_case)
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = _or_403(Task.objects.select_related("goal__plan__case"), pk=pk)
    _assigned_case(request, task.goal.plan.case_id)
    record_actions.do_task_done(task, request.user, request=request)
    messages.success(request, f"タスク {task.pk} を完了にしました。")
    return redirect("consult:case", pk=task.goal.plan.case_id)


# --- one person ---------------------------------------------------------------------------------


@allow(*CENTRE)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's details and the timeline of the cases this user may read in full."""
    person, best, cases = access_person_by_id(request.user, pk)
    _, [(_, person_row)] = _rows(request, best, Person, [person], PERSON_FIELDS)
    parts: list[tuple[str, Any, list[tuple[str, str, Any]]]] = []
    for case, level in cases:
        if level < Level.SUPERVISOR:
            continue
        for i, rows in _rows(request, level, Intake, Intake.objects.filter(case=case), INTAKE_FIELDS)[1]:
            parts.append((f"{case.number} 相談受付", i.received_at, rows))
        for r, rows in _rows(request, level, ConsultationRecord, case.records.filter(models.Q(person=person) | models.Q(person__isnull=True)),
                             RECORD_FIELDS)[1]:
            parts.append((f"{case.number} 相談記録", r.at, rows))
        if case.is_closed:
            parts.append((f"{case.number} 終結", case.closed_on, []))
    return render(request, "consult/person_detail.html", {
        "person": person, "person_row": person_row, "timeline": _timeline(parts),
        "cases": [(c, level.name.lower()) for c, level in cases if level >= Level.EXISTS],
    })


# --- statistics ---------------------------------------------------------------------------------


@allow(Role.CITY_STAFF, Role.CITY_SUPERVISOR, menu=_("基幹福祉相談センターの統計"), section=SECTION, order=190,
       **STATISTICS)
def statistics(request: HttpRequest) -> HttpResponse:
    """福祉課: counts by domain and status — never a name, never a note."""
    by_status = Counter(Case.objects.values_list("status", flat=True))
    by_domain: Counter[str] = Counter()
    for domains in Case.objects.values_list("domains", flat=True):
        by_domain.update(d for d in domains if d in Domain.values)
    return render(request, "consult/statistics.html", {
        "total": sum(by_status.values()),
        "by_status": [(label, by_status.get(value, 0)) for value, label in Case.Status.choices],
        "by_domain": [(label, by_domain.get(value, 0)) for value, label in Domain.choices],
    })


__all__ = ["queue", "case_list", "intake_new", "case_detail", "person_detail", "statistics"]
