"""Screens of registered terminals (§5) and break-glass (§6).

- 端末登録 (センター長): issue a registration (its code shown once), see and revoke the centre's terminals.
- 端末の登録 (on the device): enter the code (or open the link) → the terminal cookie.
- 緊急時の閲覧: out of office hours an unassigned 相談支援員 opens a case with a reason and a time
  limit; the minimal view (who, contacts, risks, last notes) is phone-sized and every row audited.
- 緊急時の閲覧の確認 (センター長): every break-glass access with what it showed (from the audit log),
  confirmed or raised as an incident.

The registration and terminals pages show no case data and are `terminal_exempt` (they must work
before the device is registered); every other view goes through the terminal check.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.audit.models import AuditEntry
from yakuba.audit.reveal import reveal_rows
from yakuba.consult import terminals as core
from yakuba.shown import labelled
from yakuba.consult.access import (BREAK_GLASS_FIELDS, BREAK_GLASS_LAST_RECORDS, Level, access_case_by_id,
                                   active_break_glass, shown_fields)
from yakuba.consult.actions import terminals as actions
from yakuba.consult.models import Assessment, BreakGlass, Case, ConsultationRecord, Person, Terminal
from yakuba.officehours import is_office_hours
from yakuba.privacy.declarations import Category
from yakuba.web import cleaned, user_errors

SECTION = "基幹福祉相談センター"
READ = "consult.break_glass.read"
VIEWED = "consult.break_glass.viewed"
LABELS = {"consult.person": "対象者", "consult.assessment": "アセスメント(リスク)", "consult.consultationrecord": "相談記録"}


class IssueForm(forms.Form):
    label = forms.CharField(label="端末名(例: 夜間当番スマートフォン1)", max_length=80)
    days = forms.IntegerField(label="有効期間(日)", min_value=1, max_value=actions.TERMINAL_DAYS_MAX, initial=365)


class RegisterForm(forms.Form):
    code = forms.CharField(label="登録コード", max_length=40)


class BreakGlassForm(forms.Form):
    reason = forms.CharField(label="理由(必須)", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    minutes = forms.IntegerField(label="閲覧する時間(分)", min_value=1, initial=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = actions.break_glass_max_minutes()
        self.fields["minutes"] = forms.IntegerField(label="閲覧する時間(分)", min_value=1, max_value=limit,
                                                    initial=min(30, limit), help_text=f"最長 {limit} 分")


class IncidentForm(forms.Form):
    note = forms.CharField(label="所見(必須)", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


# --- terminals ----------------------------------------------------------------------------------


def _terminals_page(request: HttpRequest, form: IssueForm, issued: tuple[Terminal, str] | None = None,
                    status: int = 200) -> HttpResponse:
    terminals = list(Terminal.objects.filter(organisation_id=request.user.organisation_id).select_related("issued_by"))
    link = None
    if issued is not None:
        link = request.build_absolute_uri(reverse("consult:terminal_register")) + f"?code={issued[1]}"
    return render(request, "consult/terminals_list.html", {
        "terminals": terminals, "form": form, "issued": issued[0] if issued else None,
        "code": core.shown_code(issued[1]) if issued else None, "link": link,
        "current": getattr(request, "consult_terminal", None)}, status=status)


@core.terminal_exempt
@allow(Role.CENTER_SUPERVISOR, menu="端末登録", section=SECTION, order=170)
@user_errors("consult:terminals")
def terminals(request: HttpRequest) -> HttpResponse:
    """The centre's terminals; POST issues a new registration whose code is shown once, here."""
    if request.method != "POST":
        return _terminals_page(request, IssueForm())
    data = cleaned(IssueForm, request)
    issued = actions.do_issue(request.user, label=data["label"], days=data["days"], request=request)
    return _terminals_page(request, IssueForm(), issued)


@core.terminal_exempt
@allow(Role.CENTER_SUPERVISOR)
@require_POST
@user_errors("consult:terminals")
def terminal_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    terminal = actions.do_revoke(request.user, pk, request=request)
    messages.success(request, f"端末「{terminal.label}」の登録を失効させました。")
    return redirect("consult:terminals")


@core.terminal_exempt
@allow(Role.CENTER_WORKER, Role.CENTER_SUPERVISOR, menu="この端末を登録する", section=SECTION, order=175)
@user_errors("consult:terminal_register")
def terminal_register(request: HttpRequest) -> HttpResponse:
    """On the device: the code from the センター長 (typed, or from the link) → the terminal cookie."""
    if request.method != "POST":
        code = request.GET.get("code", "")[:40]
        return render(request, "consult/terminals_register.html", {
            "form": RegisterForm(initial={"code": code}), "current": getattr(request, "consult_terminal", None)})
    data = cleaned(RegisterForm, request)
    terminal, secret = actions.do_register(request.user, data["code"], request=request)
    request.session[core.SESSION_KEY] = terminal.pk
    messages.success(request, f"この端末を「{terminal.label}」として登録しました。")
    response = redirect("consult:queue")
    core.set_cookie(response, terminal, secret)
    return response


# --- break-glass --------------------------------------------------------------------------------


def break_glass_context(request: HttpRequest, case: Case, level: Level) -> dict[str, Any]:
    """For the case page (`_terminals.html`): the break-glass entry of an unassigned worker."""
    user = request.user
    can = user.role == Role.CENTER_WORKER and level in (Level.EXISTS, Level.BREAK_GLASS)
    grant = active_break_glass(user, case) if can else None
    return {"break_glass_can": can, "break_glass_grant": grant,
            "break_glass_office_hours": can and is_office_hours(timezone.now(), actions.calendar(),
                                                                timezone.get_current_timezone())}


def _case_url(request: HttpRequest, pk: int, **_: Any) -> str:
    return reverse("consult:break_glass", kwargs={"pk": pk})


@allow(Role.CENTER_WORKER)
@user_errors(_case_url)
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """The form (reason, time limit) and, on POST, the grant: then the minimal view."""
    case, level = access_case_by_id(request.user, pk)
    if level >= Level.SUPERVISOR:
        messages.info(request, "担当のケースです。そのまま閲覧できます。")
        return redirect("consult:case", pk=case.pk)
    grant = active_break_glass(request.user, case)
    if grant is not None:
        return redirect("consult:break_glass_view", pk=grant.pk)
    office = is_office_hours(timezone.now(), actions.calendar(), timezone.get_current_timezone())
    if request.method != "POST":
        return render(request, "consult/terminals_break_glass.html", {
            "case": case, "form": BreakGlassForm(), "office_hours": office,
            "refusal": actions.IN_OFFICE_HOURS, "limit": actions.break_glass_max_minutes()})
    data = cleaned(BreakGlassForm, request)
    grant = actions.do_break_glass(request.user, case, reason=data["reason"], minutes=data["minutes"],
                                   terminal=core.current_terminal(), request=request)
    return redirect("consult:break_glass_view", pk=grant.pk)


def _shown(request: HttpRequest | None, user: Any, model: type, instances: list[Any],
           seen: dict[str, list[int]], categories: set[str]) -> list[tuple[Any, list[tuple[str, str, Any]]]]:
    from yakuba.personal import declaration_for

    fields = shown_fields(Level.BREAK_GLASS, model, BREAK_GLASS_FIELDS[model.__name__])
    rows = reveal_rows(request, instances, fields, user=user, action=READ)
    if instances:
        seen[model._meta.label_lower] = [i.pk for i in instances]
        for row in rows:
            for f in fields:
                decl = declaration_for(model, f)
                if decl is not None and row.get(f) not in (None, ""):
                    categories.add(decl.category.value)
    return [(inst, labelled(model, fields, row)) for inst, row in zip(instances, rows)]


def minimal_view(request: HttpRequest | None, user: Any, grant: BreakGlass) -> dict[str, Any]:
    """What a break-glass grant shows (who, contacts, risks, the last few notes), each read audited
    (reveal_rows), and one ``consult.break_glass.viewed`` entry naming every row shown: the review
    queue reads it back."""
    case = grant.case
    seen: dict[str, list[int]] = {}
    categories: set[str] = set()
    people = _shown(request, user, Person, list(case.people.order_by("pk")), seen, categories)
    assessment = case.assessments.order_by("-made_at", "-pk").first()
    risks = _shown(request, user, Assessment, [assessment], seen, categories) if assessment else []
    recent = list(case.records.select_related("worker").order_by("-at", "-pk")[:BREAK_GLASS_LAST_RECORDS])
    notes = _shown(request, user, ConsultationRecord, recent, seen, categories)
    record(VIEWED, request=request, actor=user, target=case, categories=categories,
           detail={"break_glass": grant.pk, "shown": seen})
    return {"case": case, "grant": grant, "people": people, "risks": risks, "notes": notes,
            "until": timezone.localtime(grant.expires_at), "workers": list(case.workers.order_by("username"))}


@allow(Role.CENTER_WORKER)
def break_glass_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The minimal view, while the grant lasts: who, contacts, risks, the last few notes."""
    grant = BreakGlass.objects.select_related("case").filter(pk=pk, user=request.user).first()
    if grant is None:
        raise PermissionDenied("この緊急時の閲覧を利用する権限がありません。")
    case, level = access_case_by_id(request.user, grant.case_id)
    if level != Level.BREAK_GLASS or not grant.active():
        messages.error(request, "緊急時の閲覧の時間が終わりました。続けて閲覧するには改めて理由を記録してください。")
        return redirect("consult:case", pk=case.pk)
    grant.case = case
    return render(request, "consult/terminals_break_glass_view.html", minimal_view(request, request.user, grant))


# --- review -------------------------------------------------------------------------------------


def _seen(grant: BreakGlass) -> list[dict[str, Any]]:
    """What the grant showed, from the audit log: each view with the rows and categories shown."""
    entries = AuditEntry.objects.filter(actor_id=grant.user_id, action=VIEWED, target_type="consult.case",
                                        target_id=str(grant.case_id)).order_by("seq")
    out = []
    for e in entries:
        detail = e.detail or {}
        if detail.get("break_glass") != grant.pk:
            continue
        shown = detail.get("shown") or {}
        out.append({"at": timezone.localtime(e.at), "categories": "・".join(Category(c).label for c in e.categories),
                    "what": "、".join(f"{LABELS.get(k, k)} {len(v)}件" for k, v in shown.items())})
    return out


@allow(Role.CENTER_SUPERVISOR, menu="緊急時の閲覧の確認", section=SECTION, order=180)
def break_glass_review(request: HttpRequest) -> HttpResponse:
    grants = list(BreakGlass.objects.filter(case__centre_id=request.user.organisation_id)
                  .select_related("case", "user", "reviewed_by", "incident").order_by("-opened_at", "-pk")[:200])
    grants.sort(key=lambda g: g.outcome != BreakGlass.Outcome.PENDING)  # the ones waiting first
    reasons = {r["pk"]: r.get("reason") for r in reveal_rows(request, grants, ["reason"], action="consult.read")}
    today = timezone.localdate()
    rows = [{"grant": g, "reason": reasons.get(g.pk), "seen": _seen(g), "due": g.review_on <= today,
             "opened": timezone.localtime(g.opened_at), "until": timezone.localtime(g.expires_at)} for g in grants]
    incidents = [g.incident for g in grants if g.outcome == BreakGlass.Outcome.INCIDENT and hasattr(g, "incident")]
    notes = {r["pk"]: r.get("note") for r in reveal_rows(request, incidents, ["note"], action="consult.read")}
    for row in rows:
        inc = getattr(row["grant"], "incident", None) if row["grant"].outcome == BreakGlass.Outcome.INCIDENT else None
        row["incident_note"] = notes.get(inc.pk) if inc else None
    return render(request, "consult/terminals_review.html", {
        "rows": rows, "pending": sum(1 for r in rows if r["grant"].outcome == BreakGlass.Outcome.PENDING),
        "incident_form": IncidentForm()})


@allow(Role.CENTER_SUPERVISOR)
@require_POST
@user_errors("consult:break_glass_review")
def break_glass_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    actions.do_confirm(request.user, pk, request=request)
    messages.success(request, "緊急時の閲覧を確認しました(妥当)。")
    return redirect("consult:break_glass_review")


@allow(Role.CENTER_SUPERVISOR)
@require_POST
@user_errors("consult:break_glass_review")
def break_glass_incident(request: HttpRequest, pk: int) -> HttpResponse:
    note = cleaned(IncidentForm, request)["note"]
    incident = actions.do_raise_incident(request.user, pk, note=note, request=request)
    messages.success(request, f"インシデント {incident.pk} として報告しました。")
    return redirect("consult:break_glass_review")


__all__ = ["terminals", "terminal_revoke", "terminal_register", "break_glass", "break_glass_view",
           "break_glass_review", "break_glass_confirm", "break_glass_incident", "break_glass_context"]
