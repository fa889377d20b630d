"""Screens of sharing with agencies (issue #13 §2).

The centre (assigned workers, the supervisor) records consents, 支援会議 and their members and
minutes, shares chosen fields, records what came in, and tracks 照会; all from the case page
(``case_context`` feeds ``_sharing.html``). An agency's staff see only what was shared with their
organisation: the list ``提供を受けた情報`` and each time-limited view (410 once expired or revoked),
every view audited with the categories shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Sequence

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.audit.reveal import reveal_rows
from yakuba.consult.access import Level, access_case, access_case_by_id, shown_fields
from yakuba.consult.actions import sharing as actions
from yakuba.consult.forms_sharing import (AnswerForm, ConsentForm, InformationRequestForm, MeetingForm, MemberForm,
                                          MinutesForm, ReceivedForm, RevokeConsentForm, ShareForm)
from yakuba.consult.models import Case, Consent, Disclosure, InformationRequest, SupportMeeting
from yakuba.consult.sharing_rules import AGENCY_KINDS, GROUPS, SHAREABLE, STATUTES, labels
from yakuba.wareki import to_wareki
from yakuba.web import cleaned, user_errors

CENTRE = (Role.CENTER_WORKER, Role.CENTER_SUPERVISOR)
MEETING_FIELDS = ("agenda", "conclusions", "minutes")
REQUEST_FIELDS = ("subject", "answer")
RECEIVED_FIELDS = ("received_summary",)

__all__ = ["case_context", "consent_add", "consent_revoke", "share", "received_add", "disclosure_revoke",
           "meeting_add", "meeting_detail", "meeting_member", "meeting_minutes", "request_add", "request_answer",
           "shared_list", "shared_view"]


def _when(value: Any) -> str:
    if value is None:
        return ""
    return f"{to_wareki(timezone.localdate(value))} {timezone.localtime(value):%H:%M}" if hasattr(value, "hour") \
        else to_wareki(value)


def _dated(key: str, value: Any) -> Any:
    """A date shared as ISO text, shown in 和暦 (a masked or empty value as it is)."""
    if SHAREABLE[key].field == "birth_date" and isinstance(value, str) and value:
        try:
            return to_wareki(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return value


def _revealed(request: HttpRequest, level: Level, model: type[models.Model], items: Iterable[models.Model],
              fields: Sequence[str]) -> list[tuple[Any, dict[str, Any]]]:
    items = list(items)
    rows = reveal_rows(request, items, shown_fields(level, model, fields), action="consult.read")
    return list(zip(items, rows))


def _basis_label(d: Disclosure) -> str:
    if d.basis == Disclosure.Basis.CONSENT:
        return f"本人の同意(同意 {d.consent_id})"
    if d.basis == Disclosure.Basis.MEETING:
        return f"支援会議 {d.meeting_id}"
    return STATUTES.get(d.statute, d.statute)


def _consent_scope(c: Consent) -> str:
    names = [o.name for o in c.agencies.all()] + [AGENCY_KINDS.get(k, k) for k in c.agency_kinds]
    return f"提供先: {'、'.join(names)} / 範囲: {'、'.join(GROUPS.get(g, g) for g in c.groups)}"


def case_context(request: HttpRequest, case: Case, level: Level) -> dict[str, Any]:
    """What ``_sharing.html`` shows on the case page (SUPERVISOR and ASSIGNED only)."""
    consents = list(case.consents.prefetch_related("agencies"))
    meetings = list(case.meetings.select_related("convened_by").prefetch_related("members__organisation")
                    .order_by("held_on", "pk"))
    out = list(case.disclosures.filter(direction=Disclosure.Direction.OUT).select_related("organisation"))
    received = case.disclosures.filter(direction=Disclosure.Direction.IN).select_related("organisation")
    requests = case.information_requests.select_related("organisation")
    can_share = not case.is_closed
    return {"sharing": {
        "track": case.get_track_display(), "no_consent": case.track == Case.Track.NO_CONSENT, "can_share": can_share,
        "consents": [(c, _consent_scope(c), _when(c.given_at), _when(c.revoked_at)) for c in consents],
        "meetings": [(m, row, to_wareki(m.held_on)) for m, row in _revealed(request, level, SupportMeeting, meetings,
                                                                              MEETING_FIELDS)],
        "disclosures": [(d, _basis_label(d), "、".join(labels(d.fields)), _when(d.expires_at), d.is_open())
                        for d in out],
        "received": [(d, row, _basis_label(d), _when(d.created_at))
                     for d, row in _revealed(request, level, Disclosure, received, RECEIVED_FIELDS)],
        "requests": [(r, row, to_wareki(r.due_on), r.status == r.Status.OPEN and r.due_on < timezone.localdate())
                     for r, row in _revealed(request, level, InformationRequest, requests, REQUEST_FIELDS)],
        "consent_form": ConsentForm(case=case), "revoke_form": RevokeConsentForm(), "share_form": ShareForm(case=case),
        "received_form": ReceivedForm(case=case), "meeting_form": MeetingForm(case=case),
        "request_form": InformationRequestForm(case=case), "answer_form": AnswerForm(),
    }} if level >= Level.SUPERVISOR else {}


# --- the centre's steps (POST, back to the case page) ------------------------------------------------


def _back(request: HttpRequest, pk: int, **_: Any) -> str:
    return reverse("consult:case", kwargs={"pk": pk})


def _sharer_case(request: HttpRequest, pk: int) -> Case:
    case, _level = access_case_by_id(request.user, pk, at_least=Level.SUPERVISOR)
    return case


def _done(request: HttpRequest, case_id: int, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("consult:case", pk=case_id)


@allow(*CENTRE)
@require_POST
@user_errors(_back)
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _sharer_case(request, pk)
    data = cleaned(ConsentForm, request, case=case)
    consent = actions.do_record_consent(case, request.user, person_id=data["person"], agency_ids=data["agencies"],
                                        agency_kinds=data["agency_kinds"], groups=data["groups"],
                                        purpose=data["purpose"], method=data["method"], request=request)
    return _done(request, case.pk, f"同意 {consent.pk} を記録しました。")


def _object_case(model: type[models.Model], pk: int, request: HttpRequest) -> tuple[Any, Case]:
    """An object of a case this user may share from; 403 when there is none or the user may not."""
    obj = model.objects.select_related("case").filter(pk=pk).first()  # type: ignore[attr-defined]
    if obj is None:
        raise PermissionDenied("このケースを閲覧する権限がありません。")
    return obj, _sharer_case(request, obj.case_id)


def _object_back(model: type[models.Model]) -> Any:
    def back(request: HttpRequest, pk: int, **_: Any) -> str:
        obj = model.objects.filter(pk=pk).first()  # type: ignore[attr-defined]
        return _back(request, obj.case_id) if obj is not None else reverse("consult:queue")
    return back


@allow(*CENTRE)
@require_POST
@user_errors(_object_back(Consent))
def consent_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    consent, case = _object_case(Consent, pk, request)
    actions.do_revoke_consent(consent, request.user, reason=cleaned(RevokeConsentForm, request)["reason"],
                              request=request)
    return _done(request, case.pk, f"同意 {consent.pk} の撤回を記録しました。以後この同意による提供はできません。")


@allow(*CENTRE)
@require_POST
@user_errors(_back)
def share(request: HttpRequest, pk: int) -> HttpResponse:
    case = _sharer_case(request, pk)
    data = cleaned(ShareForm, request, case=case)
    d = actions.do_share(case, request.user, organisation_id=data["organisation"], basis=data["basis"],
                         consent_id=data["consent"], meeting_id=data["meeting"], statute=data["statute"],
                         fields=data["chosen"], form=data["form"], days=data["days"], request=request)
    if d.form == Disclosure.Form.PACKAGE:
        messages.info(request, f"提供 {d.pk} を記録しました。提供ファイルはセンター長の承認を待っています(出力の申請と承認)。")
        return redirect("exports:list")
    return _done(request, case.pk, f"提供 {d.pk} を記録しました。{d.organisation.name} は {_when(d.expires_at)} まで閲覧できます。")


@allow(*CENTRE)
@require_POST
@user_errors(_back)
def received_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _sharer_case(request, pk)
    data = cleaned(ReceivedForm, request, case=case)
    d = actions.do_record_received(case, request.user, organisation_id=data["organisation"], summary=data["summary"],
                                   basis=data["basis"], consent_id=data["consent"], meeting_id=data["meeting"],
                                   statute=data["statute"], request=request)
    return _done(request, case.pk, f"受領 {d.pk} を記録しました。")


@allow(*CENTRE)
@require_POST
@user_errors(_object_back(Disclosure))
def disclosure_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    d, case = _object_case(Disclosure, pk, request)
    actions.do_revoke_disclosure(d, request.user, request=request)
    return _done(request, case.pk, f"提供 {d.pk} を取り消しました。提供先はもう閲覧できません。")


@allow(*CENTRE)
@require_POST
@user_errors(_back)
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _sharer_case(request, pk)
    data = cleaned(MeetingForm, request, case=case)
    meeting = actions.do_convene_meeting(case, request.user, convened_by_id=data["convened_by"],
                                         held_on=data["held_on"], agenda=data["agenda"], request=request)
    messages.success(request, f"支援会議 {meeting.pk} を記録しました。構成員を加えてください。")
    return redirect("consult:meeting", pk=meeting.pk)


def _meeting(request: HttpRequest, pk: int) -> tuple[SupportMeeting, Level]:
    """A meeting one of whose cases this user may share from (best level); 403 otherwise."""
    meeting = SupportMeeting.objects.select_related("convened_by").filter(pk=pk).first()
    levels = [access_case(request.user, c) for c in meeting.cases.all()] if meeting else []
    best = max(levels, default=Level.NONE)
    if meeting is None or best < Level.SUPERVISOR:
        raise PermissionDenied("この支援会議を閲覧する権限がありません。")
    return meeting, best


@allow(*CENTRE)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, level = _meeting(request, pk)
    [(_, row)] = _revealed(request, level, SupportMeeting, [meeting], MEETING_FIELDS)
    shared = meeting.disclosures.select_related("organisation", "case")
    return render(request, "consult/sharing_meeting.html", {
        "meeting": meeting, "row": row, "held_on": to_wareki(meeting.held_on),
        "members": [(m, _when(m.secrecy_acknowledged_at)) for m in meeting.members.select_related("organisation")],
        "cases": list(meeting.cases.order_by("pk")),
        "shared": [(d, "、".join(labels(d.fields)), _when(d.created_at)) for d in shared],
        "member_form": MemberForm(), "minutes_form": MinutesForm(initial={
            k: row.get(k) for k in ("conclusions", "minutes") if isinstance(row.get(k), str)}),
    })


def _meeting_back(request: HttpRequest, pk: int, **_: Any) -> str:
    return reverse("consult:meeting", kwargs={"pk": pk})


@allow(*CENTRE)
@require_POST
@user_errors(_meeting_back)
def meeting_member(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _level = _meeting(request, pk)
    data = cleaned(MemberForm, request)
    member = actions.do_add_member(meeting, request.user, organisation_id=data["organisation"],
                                   secrecy_acknowledged=data["secrecy"], request=request)
    messages.success(request, f"{member.organisation.name} を構成員に加えました(守秘義務を確認済み)。")
    return redirect("consult:meeting", pk=meeting.pk)


@allow(*CENTRE)
@require_POST
@user_errors(_meeting_back)
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _level = _meeting(request, pk)
    data = cleaned(MinutesForm, request)
    actions.do_minutes(meeting, request.user, conclusions=data["conclusions"], minutes=data["minutes"], request=request)
    messages.success(request, "結論と議事録を記録しました。")
    return redirect("consult:meeting", pk=meeting.pk)


@allow(*CENTRE)
@require_POST
@user_errors(_back)
def request_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _sharer_case(request, pk)
    data = cleaned(InformationRequestForm, request, case=case)
    req = actions.do_request_information(case, request.user, organisation_id=data["organisation"],
                                         direction=data["direction"], subject=data["subject"], due_on=data["due_on"],
                                         request=request)
    return _done(request, case.pk, f"照会 {req.pk} を記録しました(回答期限 {to_wareki(req.due_on)})。")


@allow(*CENTRE)
@require_POST
@user_errors(_object_back(InformationRequest))
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    req, case = _object_case(InformationRequest, pk, request)
    actions.do_answer_request(req, request.user, answer=cleaned(AnswerForm, request)["answer"], request=request)
    return _done(request, case.pk, f"照会 {req.pk} の回答を記録しました。")


# --- the agency's side ---------------------------------------------------------------------------------


@allow(Role.AGENCY_STAFF, menu=_("提供を受けた情報"), section=_("関係機関"), order=100)
def shared_list(request: HttpRequest) -> HttpResponse:
    """What the centre shared with this organisation: which, when, on what basis, until when — no values."""
    org_id = request.user.organisation_id
    items = Disclosure.objects.filter(organisation_id=org_id, direction=Disclosure.Direction.OUT).select_related(
        "case") if org_id else Disclosure.objects.none()
    return render(request, "consult/sharing_list.html", {"items": [
        (d, _basis_label(d), "、".join(labels(d.fields)), _when(d.created_at), _when(d.expires_at), d.is_open())
        for d in items[:500]]})


@allow(Role.AGENCY_STAFF)
def shared_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Exactly the chosen fields, until the expiry; each view audited with their categories."""
    d = actions.agency_disclosure(request.user, pk)
    try:
        actions.check_view_open(d)
    except actions.DisclosureClosed as exc:
        return render(request, "consult/sharing_closed.html", {"message": exc.one_line()}, status=410)
    cats = {k: actions.categories_of([k]) for k in d.fields}
    [row] = reveal_rows(request, [d], [], action="consult.shared.read",
                        derived=lambda inst: {k: (cats[k], inst.content.get(k, "")) for k in inst.fields})
    return render(request, "consult/sharing_view.html", {
        "d": d, "basis": _basis_label(d), "until": _when(d.expires_at),
        "rows": [(k, lbl, _dated(k, row.get(k))) for k, lbl in zip(d.fields, labels(d.fields))],
    })
