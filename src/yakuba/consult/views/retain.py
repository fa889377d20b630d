"""Screens of corrections (訂正依頼, the history of corrected fields), retention (the certificates
of erased cases) and disposal of storage (issue #13 §7, §8).

The council (council_member) sees numbers, departments, dates and counts — never a name or a note.
A correction's text and a change's old/new values go through `yakuba.audit.reveal` (the change's
values with the category of the field they were).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.models import User
from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.audit.reveal import reveal, reveal_rows
from yakuba.consult.access import CENTRE_ROLES, Level, access_case_by_id
from yakuba.consult.actions import corrections as actions
from yakuba.consult.actions import disposal as disposal_actions
from yakuba.consult.errors import ConsultError
from yakuba.consult.forms_retain import CorrectForm, CorrectionAnswerForm, CorrectionRequestForm, DisposalForm
from yakuba.consult.models import (Assessment, Case, CaseErasure, ConsultationRecord, CorrectionRequest, Person,
                                   RecordChange, StorageDisposal)
from yakuba.keyring import get_keyring
from yakuba.personal import declaration_for
from yakuba.vault import service as vault
from yakuba.web import cleaned, file_response, user_errors

CENTRE = (Role.CENTER_WORKER, Role.CENTER_SUPERVISOR)
SECTION = _("基幹福祉相談センター")
REVIEW = _("点検")
COUNCIL = (Role.COUNCIL_MEMBER, Role.CENTER_SUPERVISOR)
DISPOSAL_READERS = (Role.COUNCIL_MEMBER, Role.CENTER_SUPERVISOR, Role.CITY_SUPERVISOR, Role.ADMIN)
KINDS: dict[str, type] = {"person": Person, "record": ConsultationRecord, "assessment": Assessment}
REQUEST_TEXT = ("record_ref", "wrong", "asked", "answer")


def _centre_users(centre_id: int) -> list[User]:
    return list(User.objects.filter(organisation_id=centre_id, role__in=CENTRE_ROLES, is_active=True).order_by("username"))


def _request_form(user: Any, case: Case | None = None, data: Any = None) -> CorrectionRequestForm:
    people = list(case.people.order_by("pk").values_list("pk", flat=True)) if case else []
    return CorrectionRequestForm(data, departments=actions.correction_departments(),
                                 owners=_centre_users(user.organisation_id), people=people)


# --- on the case page -------------------------------------------------------------------------


def _targets(case: Case, level: Level) -> list[tuple[str, str]]:
    out = []
    groups = [("person", Person, list(case.people.order_by("pk"))),
              ("assessment", Assessment, list(case.assessments.all())),
              ("record", ConsultationRecord, list(case.records.order_by("-at", "-pk")[:50]))]
    for kind, model, objs in groups:
        names = actions.correctable(level, model)
        for obj in objs:
            for name in names:
                out.append((f"{kind}:{obj.pk}:{name}",
                            f"{model._meta.verbose_name} {obj.pk}: {model._meta.get_field(name).verbose_name}"))
    return out


def _changes(request: HttpRequest, case: Case, level: Level) -> list[dict[str, Any]]:
    from django.apps import apps

    changes = list(RecordChange.objects.filter(Q(case=case) | Q(person__in=case.people.all()))
                   .select_related("by", "correction").order_by("-at", "-pk")[:200])
    shown = []
    for c in changes:
        model = apps.get_model(c.model)
        if actions.correctable(level, model) and c.field in actions.correctable(level, model):
            shown.append((c, model))
    categories = {}
    for c, model in shown:
        decl = declaration_for(model, c.field)
        categories[c.pk] = [decl.category.value] if decl else []
    rows = reveal_rows(request, [c for c, _ in shown], ["reason"], action="consult.read",
                       derived=lambda c: {"old": (categories[c.pk], c.old), "new": (categories[c.pk], c.new)})
    return [{"change": c, "what": f"{model._meta.verbose_name} {c.object_id}",
             "field": str(model._meta.get_field(c.field).verbose_name), "row": row}
            for (c, model), row in zip(shown, rows)]


def case_context(request: HttpRequest, case: Case, level: Level) -> dict[str, Any]:
    """What the case page shows of corrections (called from views.cases.case_detail)."""
    if level < Level.SUPERVISOR:
        return {}
    open_requests = list(case.corrections.filter(status__in=CorrectionRequest.OPEN).order_by("due_on", "pk"))
    return {
        "retain_changes": _changes(request, case, level),
        "retain_requests": list(case.corrections.order_by("-received_on", "-pk")),
        "retain_correct_form": CorrectForm(targets=_targets(case, level), corrections=open_requests),
        "retain_request_form": _request_form(request.user, case),
        "retain_today": timezone.localdate(),
    }


def _case_url(request: HttpRequest, pk: int, **_: Any) -> str:
    return reverse("consult:case", kwargs={"pk": pk})


@allow(*CENTRE)
@require_POST
@user_errors(_case_url)
def case_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """One field of a record of the case corrected (the history keeps old, new, why, who)."""
    case, level = access_case_by_id(request.user, pk, at_least=Level.SUPERVISOR)
    open_requests = list(case.corrections.filter(status__in=CorrectionRequest.OPEN))
    data = cleaned(CorrectForm, request, targets=_targets(case, level), corrections=open_requests)
    kind, obj_pk, name = data["target"].split(":")
    model = KINDS[kind]
    scope = case.people.all() if model is Person else model.objects.filter(case=case)
    obj = scope.filter(pk=int(obj_pk)).first()
    if obj is None:
        raise ConsultError("訂正する記録が見つかりません。", where="target")
    correction = next((c for c in open_requests if c.pk == data["correction"]), None)
    actions.do_correct(request.user, obj, name, data["value"], reason=data["reason"], correction=correction,
                       case=case, request=request)
    messages.success(request, f"{model._meta.verbose_name} {obj.pk} の項目を訂正しました(訂正の履歴に残ります)。")
    return redirect("consult:case", pk=case.pk)


@allow(*CENTRE)
@require_POST
@user_errors(_case_url)
def case_correction_new(request: HttpRequest, pk: int) -> HttpResponse:
    case, _level = access_case_by_id(request.user, pk, at_least=Level.SUPERVISOR)
    data = cleaned(CorrectionRequestForm, request, departments=actions.correction_departments(),
                   owners=_centre_users(request.user.organisation_id),
                   people=list(case.people.values_list("pk", flat=True)))
    req = actions.do_open_correction(request.user, requester=data["requester"], department=data["department"],
                                     record_ref=data["record_ref"], wrong=data["wrong"], asked=data["asked"],
                                     owner_id=data["owner"], case=case, person_id=data["person"],
                                     due_on=data["due_on"], request=request)
    messages.success(request, f"訂正依頼 {req.number} を受け付けました(期限 {req.due_on.isoformat()})。")
    return redirect("consult:correction", pk=req.pk)


# --- the centre's corrections -------------------------------------------------------------------


@allow(*CENTRE, menu=_("訂正依頼"), section=SECTION, order=150)
@user_errors("consult:corrections")
def corrections(request: HttpRequest) -> HttpResponse:
    """The centre's correction requests (numbers, departments, dates, status, owner — no text); a new one."""
    if request.method == "POST":
        data = cleaned(CorrectionRequestForm, request, departments=actions.correction_departments(),
                       owners=_centre_users(request.user.organisation_id), people=[])
        req = actions.do_open_correction(request.user, requester=data["requester"], department=data["department"],
                                         record_ref=data["record_ref"], wrong=data["wrong"], asked=data["asked"],
                                         owner_id=data["owner"], due_on=data["due_on"], request=request)
        messages.success(request, f"訂正依頼 {req.number} を受け付けました(期限 {req.due_on.isoformat()})。")
        return redirect("consult:correction", pk=req.pk)
    today = timezone.localdate()
    requests = list(CorrectionRequest.objects.filter(centre_id=request.user.organisation_id)
                    .select_related("owner", "case").order_by("-status", "due_on", "pk")[:500])
    return render(request, "consult/retain_corrections.html", {
        "rows": [(r, (today - r.due_on).days if r.is_open and r.due_on < today else 0) for r in requests],
        "form": _request_form(request.user),
        "mine_escalated": [r for r in requests if r.escalated_to_id == request.user.pk and r.is_open],
    })


def _correction(request: HttpRequest, pk: int) -> CorrectionRequest:
    req = CorrectionRequest.objects.select_related("case", "owner", "created_by").filter(pk=pk).first()
    if req is None or getattr(request.user, "organisation_id", None) != req.centre_id:
        raise PermissionDenied("この訂正依頼を閲覧する権限がありません。")
    return req


def _correction_url(request: HttpRequest, pk: int, **_: Any) -> str:
    return reverse("consult:correction", kwargs={"pk": pk})


@allow(*CENTRE)
def correction(request: HttpRequest, pk: int) -> HttpResponse:
    req = _correction(request, pk)
    readable = actions.may_read_correction(request.user, req)
    text = reveal(request, req, REQUEST_TEXT, action="consult.read") if readable else {}
    if not readable:
        record("consult.correction.existence", request=request, target=req)
    may_act = readable and req.is_open and (request.user.pk == req.owner_id
                                            or request.user.role == Role.CENTER_SUPERVISOR)
    today = timezone.localdate()
    return render(request, "consult/retain_correction.html", {
        "req": req, "readable": readable, "text": [(str(CorrectionRequest._meta.get_field(f).verbose_name), text.get(f))
                                                   for f in REQUEST_TEXT] if readable else [],
        "may_act": may_act, "answer_form": CorrectionAnswerForm(),
        "days_overdue": (today - req.due_on).days if req.is_open and req.due_on < today else 0,
        "changes": list(req.changes.order_by("at").values_list("model", "object_id", "field", "at")) if readable else [],
    })


@allow(*CENTRE)
@require_POST
@user_errors(_correction_url)
def correction_start(request: HttpRequest, pk: int) -> HttpResponse:
    req = _correction(request, pk)
    actions.do_start_correction(req, request.user, request=request)
    messages.success(request, f"訂正依頼 {req.number} を対応中にしました。")
    return redirect("consult:correction", pk=req.pk)


@allow(*CENTRE)
@require_POST
@user_errors(_correction_url)
def correction_answer(request: HttpRequest, pk: int) -> HttpResponse:
    req = _correction(request, pk)
    data = cleaned(CorrectionAnswerForm, request)
    actions.do_answer_correction(req, request.user, status=data["status"], answer=data["answer"], request=request)
    messages.success(request, f"訂正依頼 {req.number} に回答を記録しました({req.get_status_display()})。")
    return redirect("consult:correction", pk=req.pk)


# --- for the council ----------------------------------------------------------------------------


@allow(*COUNCIL, menu=_("期限を過ぎた訂正依頼"), section=REVIEW, order=40)
def corrections_overdue(request: HttpRequest) -> HttpResponse:
    """Open requests past their due date, and how long: numbers, departments, days, status — no name, no text."""
    today = timezone.localdate()
    qs = CorrectionRequest.objects.filter(status__in=CorrectionRequest.OPEN, due_on__lt=today)
    if request.user.role == Role.CENTER_SUPERVISOR:
        qs = qs.filter(centre_id=request.user.organisation_id)
    rows = [{"number": r.number, "department": r.department, "requester": r.get_requester_display(),
             "received_on": r.received_on, "due_on": r.due_on, "days": (today - r.due_on).days,
             "status": r.get_status_display(), "escalated_at": r.escalated_at}
            for r in qs.order_by("due_on", "pk")[:1000]]
    answered_late = CorrectionRequest.objects.filter(escalated_at__isnull=False).exclude(
        status__in=CorrectionRequest.OPEN)
    return render(request, "consult/retain_overdue.html", {"rows": rows, "answered_late": answered_late.count(),
                                                           "today": today})


@allow(*COUNCIL, menu=_("相談ケースの消去証明書"), section=REVIEW, order=41)
def erasures(request: HttpRequest) -> HttpResponse:
    qs = CaseErasure.objects.all()
    if request.user.role == Role.CENTER_SUPERVISOR:
        qs = qs.filter(centre_id=request.user.organisation_id)
    return render(request, "consult/retain_erasures.html", {"erasures": list(qs[:500]),
                                                            "public_key": get_keyring().public_key_text()})


@allow(*COUNCIL)
def erasure_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate exactly as signed (check it with `yakuba privacy verify-certificate`)."""
    erased = get_object_or_404(CaseErasure.objects.select_related("certificate"), pk=pk)
    if request.user.role == Role.CENTER_SUPERVISOR and erased.centre_id != request.user.organisation_id:
        raise PermissionDenied("この消去証明書を閲覧する権限がありません。")
    record("consult.erasure.certificate_downloaded", request=request, target=erased.certificate)
    return file_response(bytes(erased.certificate.body), "application/json; charset=utf-8",
                         f"erasure-certificate-{erased.case_number}.json")


@allow(*DISPOSAL_READERS, menu=_("記憶装置の廃棄"), section=REVIEW, order=42)
@user_errors("consult:disposals")
def disposals(request: HttpRequest) -> HttpResponse:
    """Every recorded disposal of storage (the contractor's certificate verified); a new one."""
    if request.method == "POST":
        data = cleaned(DisposalForm, request)
        certificate, signature = data["certificate"], data["signature"]
        d = disposal_actions.do_record_disposal(
            request.user, asset_id=data["asset_id"], serial=data["serial"], retired_on=data["retired_on"],
            contractor=data["contractor"], certificate=certificate.read(), certificate_name=certificate.name,
            sha256=data["sha256"], signature=signature.read() if signature else None,
            public_key=data["public_key"] or None, request=request)
        messages.success(request, f"機器 {d.asset_id} の記憶装置 {d.serial} の廃棄を記録しました(証明書を検証済み)。")
        return redirect("consult:disposals")
    return render(request, "consult/retain_disposals.html", {
        "disposals": list(StorageDisposal.objects.select_related("signature_key")[:500]),
        "form": DisposalForm() if request.user.role in disposal_actions.RECORDERS else None,
    })


@allow(*DISPOSAL_READERS)
def disposal_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The contractor's certificate as it was recorded (the read is audited)."""
    d = get_object_or_404(StorageDisposal.objects.select_related("certificate_file"), pk=pk)
    data = vault.read_bytes(d.certificate_file, user=request.user, request=request)
    name = "".join(ch for ch in d.certificate_name if ch.isascii() and (ch.isalnum() or ch in "._-")) or "certificate"
    return file_response(data, "application/octet-stream", name)


__all__ = ["case_context", "case_correct", "case_correction_new", "corrections", "correction", "correction_start",
           "correction_answer", "corrections_overdue", "erasures", "erasure_certificate", "disposals",
           "disposal_certificate"]
