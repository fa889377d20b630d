"""Sharing with agencies on a legal basis (issue #13 §2): consent, 支援会議, disclosure, 照会.

    consent = do_record_consent(case, worker, person_id=…, agency_ids=[…], groups=["basic"], …)
    d = do_share(case, worker, organisation_id=…, basis="consent", consent_id=consent.pk,
                 fields=["person.name"], form="view", days=14)
    do_revoke_consent(consent, worker, reason="本人の申出")   # the next do_share on it is refused

Who: the case's assigned workers and its supervisor (``check_writable(at_least=SUPERVISOR)``);
the supervisor never shares what it may not read (the health fields). Every change is one audit
entry naming ids, field keys and categories — never a value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import Organisation
from yakuba.audit.log import record
from yakuba.consult.access import CATEGORIES, Level
from yakuba.consult.actions.cases import check_writable
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import (Assessment, Case, Consent, Disclosure, InformationRequest, Intake, MeetingMember, Person,
                                   SupportMeeting, SupportPlan)
from yakuba.consult.models.sharing import agency_kind_of
from yakuba.consult.sharing_rules import (AGENCY_KINDS, GROUPS, LONGEST_VIEW_DAYS, SHAREABLE, STATUTES,
                                          outside_groups, unknown_fields)
from yakuba.personal import declaration_for
from yakuba.wareki import to_wareki

__all__ = ["PACKAGE_KIND", "DisclosureClosed", "check_sharer", "do_record_consent", "do_revoke_consent",
           "check_consent_covers", "check_meeting_covers", "check_share", "do_share", "do_revoke_disclosure",
           "do_record_received", "do_convene_meeting", "do_add_member", "do_put_case_on_meeting", "do_minutes",
           "check_meeting_writer", "do_request_information", "do_answer_request", "categories_of", "snapshot",
           "agency_disclosure", "check_view_open"]

PACKAGE_KIND = "consult.disclosure"
"""The exporter (consult/exporters.py) of a disclosure sent as a signed file."""

SOURCES = {"intake": Intake, "assessment": Assessment, "plan": SupportPlan}


class DisclosureClosed(ConsultError):
    """A time-limited view that has expired or was revoked (answered 410)."""

    code = "consult.disclosure_closed"


# --- who, to whom --------------------------------------------------------------------------------


def check_sharer(case: Case, user: Any) -> Level:
    """The assigned workers and the supervisor of an open case; anyone else: one line, nothing done."""
    return check_writable(case, user, at_least=Level.SUPERVISOR)


def _agency(organisation_id: Any) -> Organisation:
    org = Organisation.objects.filter(pk=organisation_id, kind=Organisation.Kind.AGENCY).first() \
        if str(organisation_id or "").isdigit() else None
    if org is None:
        raise ConsultError("提供先・照会先は関係機関(種別「関係機関」の組織)から選んでください。", where="organisation")
    return org


def _city_department(organisation_id: Any) -> Organisation:
    org = Organisation.objects.filter(pk=organisation_id, kind=Organisation.Kind.CITY_DEPARTMENT).first() \
        if str(organisation_id or "").isdigit() else None
    if org is None:
        raise ConsultError("支援会議を招集するのは市の部署です。招集した部署を選んでください。", where="convened_by")
    return org


# --- consent -------------------------------------------------------------------------------------


def _check_consent_input(case: Case, person_id: Any, agency_ids: list[int], agency_kinds: list[str],
                         groups: list[str], method: str, purpose: str) -> None:
    if case.track != Case.Track.CONSENT:
        raise ConsultError(f"ケース {case.number} は「本人同意なし」の区分です。同意による提供は記録できません"
                           "(支援会議の構成員にだけ提供できます)。", where="track")
    if not case.people.filter(pk=person_id).exists():
        raise ConsultError("同意した人は、このケースの対象者から選んでください。", where="person")
    if not groups or any(g not in GROUPS for g in groups):
        raise ConsultError("同意の範囲(提供する情報の種類)を1つ以上選んでください。", where="groups")
    if any(k not in AGENCY_KINDS for k in agency_kinds):
        raise ConsultError("提供先の機関の種類が正しくありません。", where="agency_kinds")
    if not agency_ids and not agency_kinds:
        raise ConsultError("同意の提供先(機関または機関の種類)を1つ以上選んでください。", where="agencies")
    if method not in Consent.Method.values:
        raise ConsultError("同意の方法(書面・口頭・電子)を選んでください。", where="method")
    if not purpose.strip():
        raise ConsultError("同意の利用目的を入力してください。", where="purpose")


def do_record_consent(case: Case, user: Any, *, person_id: int, agency_ids: Iterable[int] = (),
                      agency_kinds: Iterable[str] = (), groups: Iterable[str], purpose: str, method: str,
                      given_at: dt.datetime | None = None, request: Any = None) -> Consent:
    check_sharer(case, user)
    agency_ids, agency_kinds, groups = list(agency_ids), list(dict.fromkeys(agency_kinds)), list(dict.fromkeys(groups))
    _check_consent_input(case, person_id, agency_ids, agency_kinds, groups, method, purpose)
    agencies = [_agency(pk) for pk in agency_ids]
    with transaction.atomic():
        consent = Consent.objects.create(case=case, person_id=person_id, agency_kinds=agency_kinds, groups=groups,
                                         purpose=purpose.strip()[:200], method=method,
                                         given_at=given_at or timezone.now(), recorded_by=user)
        consent.agencies.set(agencies)
        record("consult.consent.recorded", request=request, actor=user, target=case,
               detail={"consent": consent.pk, "person": int(person_id), "agencies": [a.pk for a in agencies],
                       "agency_kinds": agency_kinds, "groups": groups, "method": method})
    return consent


def do_revoke_consent(consent: Consent, user: Any, *, reason: str = "", request: Any = None) -> Consent:
    check_sharer(consent.case, user)
    if consent.is_revoked:
        raise ConsultError(f"同意 {consent.pk} は既に撤回されています。", where="consent")
    with transaction.atomic():
        consent.revoked_at, consent.revoked_by, consent.revoke_reason = timezone.now(), user, reason.strip()[:200]
        consent.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        record("consult.consent.revoked", request=request, actor=user, target=consent.case,
               detail={"consent": consent.pk})
    return consent


def check_consent_covers(consent: Consent | None, case: Case, org: Organisation, fields: Iterable[str]) -> Consent:
    """The consent is this case's, not revoked, names this agency (or its kind) and every field's group."""
    if consent is None or consent.case_id != case.pk:
        raise ConsultError("このケースの同意を選んでください。", where="consent")
    if consent.is_revoked:
        raise ConsultError(f"同意 {consent.pk} は{to_wareki(timezone.localdate(consent.revoked_at))}に撤回されています。"
                           "この同意による提供はできません。", where="consent")
    if not (consent.agencies.filter(pk=org.pk).exists() or agency_kind_of(org) in consent.agency_kinds):
        raise ConsultError(f"同意 {consent.pk} の提供先に「{org.name}」は含まれていません。", where="organisation")
    outside = outside_groups(fields, consent.groups)
    if outside:
        raise ConsultError(f"同意 {consent.pk} の範囲に含まれない項目があります: {'、'.join(outside)}", where="fields")
    return consent


def check_meeting_covers(meeting: SupportMeeting | None, case: Case, org: Organisation) -> SupportMeeting:
    """The case is on the meeting, and the agency is a member of it (secrecy acknowledged)."""
    if meeting is None or not meeting.cases.filter(pk=case.pk).exists():
        raise ConsultError(f"ケース {case.number} を検討した支援会議を選んでください。", where="meeting")
    if not MeetingMember.objects.filter(meeting=meeting, organisation=org).exists():
        raise ConsultError(f"「{org.name}」は支援会議 {meeting.pk} の構成員ではありません。"
                           "同意のない提供は、支援会議の構成員にだけできます。", where="organisation")
    return meeting


# --- disclosure ----------------------------------------------------------------------------------


def categories_of(fields: Iterable[str]) -> set[str]:
    out = set()
    for key in fields:
        item = SHAREABLE[key]
        model = {"person": Person, **SOURCES}[item.source]
        decl = declaration_for(model, item.field)
        if decl is not None:
            out.add(decl.category.value)
    return out


def _check_fields(fields: list[str], level: Level, form: str, days: int | None) -> None:
    if not fields:
        raise ConsultError("提供する項目を1つ以上選んでください。", where="fields")
    if unknown_fields(fields):
        raise ConsultError("提供できない項目が含まれています。提供できるのは一覧の項目だけです。", where="fields")
    allowed = {c.value for c in CATEGORIES[level]}
    if not categories_of(fields) <= allowed:
        raise ConsultError("心身の状況・障がいの項目を提供できるのは担当の相談支援員だけです。", where="fields")
    if form not in (Disclosure.Form.VIEW, Disclosure.Form.PACKAGE):
        raise ConsultError("提供の方法(期限付きの閲覧・署名付きファイル)を選んでください。", where="form")
    if form == Disclosure.Form.VIEW and not (days and 1 <= days <= LONGEST_VIEW_DAYS):
        raise ConsultError(f"閲覧期限は1日から{LONGEST_VIEW_DAYS}日までで指定してください。", where="days")


def _basis(case: Case, org: Organisation, basis: str, consent_id: Any, meeting_id: Any, statute: str,
           fields: Iterable[str]) -> tuple[Consent | None, SupportMeeting | None, str]:
    """The legal basis, checked: a 同意なし case only by a meeting it is on."""
    if case.track == Case.Track.NO_CONSENT and basis != Disclosure.Basis.MEETING:
        raise ConsultError(f"ケース {case.number} は「本人同意なし」の区分です。提供できるのは、"
                           "このケースを検討した支援会議の構成員だけです。", where="basis")
    if basis == Disclosure.Basis.CONSENT:
        consent = Consent.objects.filter(pk=consent_id).first() if str(consent_id or "").isdigit() else None
        return check_consent_covers(consent, case, org, fields), None, ""
    if basis == Disclosure.Basis.MEETING:
        meeting = SupportMeeting.objects.filter(pk=meeting_id).first() if str(meeting_id or "").isdigit() else None
        return None, check_meeting_covers(meeting, case, org), ""
    if basis == Disclosure.Basis.STATUTE:
        if statute not in STATUTES:
            raise ConsultError("根拠とする法令を一覧から選んでください。", where="statute")
        return None, None, statute
    raise ConsultError("提供の法的根拠(本人の同意・支援会議・その他の法令)を選んでください。", where="basis")


def check_share(case: Case, user: Any, *, organisation_id: Any, basis: str, consent_id: Any = None,
                meeting_id: Any = None, statute: str = "", fields: Iterable[str], form: str,
                days: int | None = None) -> tuple[Organisation, Consent | None, SupportMeeting | None, str]:
    level = check_sharer(case, user)
    fields = list(dict.fromkeys(fields))
    org = _agency(organisation_id)
    _check_fields(fields, level, form, days)
    return (org, *_basis(case, org, basis, consent_id, meeting_id, statute, fields))


def _source_value(case: Case, consent: Consent | None, source: str, field: str) -> Any:
    if source == "person":
        person = consent.person if consent else case.people.order_by("pk").first()
        obj: Any = person
    elif source == "intake":
        obj = Intake.objects.filter(case=case).first()
    else:
        obj = SOURCES[source].objects.filter(case=case).order_by("-made_at", "-pk").first()
    value = getattr(obj, field, None) if obj is not None else None
    return value.isoformat() if isinstance(value, dt.date) else (value or "")


def snapshot(case: Case, consent: Consent | None, fields: Iterable[str]) -> dict[str, Any]:
    """The chosen fields as they are now — only those; nothing else of the case is read."""
    return {key: _source_value(case, consent, SHAREABLE[key].source, SHAREABLE[key].field) for key in fields}


def do_share(case: Case, user: Any, *, organisation_id: Any, basis: str, consent_id: Any = None,
             meeting_id: Any = None, statute: str = "", fields: Iterable[str], form: str, days: int | None = None,
             request: Any = None) -> Disclosure:
    """Record the share and open it: a view until its expiry, or a file that asks the export step
    (approved by the センター長, watermarked) — see consult/exporters.py."""
    fields = list(dict.fromkeys(fields))
    org, consent, meeting, statute = check_share(case, user, organisation_id=organisation_id, basis=basis,
                                                 consent_id=consent_id, meeting_id=meeting_id, statute=statute,
                                                 fields=fields, form=form, days=days)
    now = timezone.now()
    with transaction.atomic():
        d = Disclosure.objects.create(
            case=case, organisation=org, direction=Disclosure.Direction.OUT, basis=basis, consent=consent,
            meeting=meeting, statute=statute, fields=fields, content=snapshot(case, consent, fields), form=form,
            expires_at=now + dt.timedelta(days=days) if form == Disclosure.Form.VIEW and days else None,
            created_by=user, created_at=now)
        record("consult.disclosure.created", request=request, actor=user, target=case,
               categories=categories_of(fields),
               detail={"disclosure": d.pk, "organisation": org.pk, "basis": basis, "consent": d.consent_id,
                       "meeting": d.meeting_id, "statute": statute, "fields": fields, "form": form})
        if form == Disclosure.Form.PACKAGE:
            from yakuba.exports.actions.approval import do_request_export

            do_request_export(user, PACKAGE_KIND, {"disclosure": d.pk}, reason=f"提供の記録 {d.pk}")
    return d


def do_revoke_disclosure(d: Disclosure, user: Any, *, request: Any = None) -> Disclosure:
    check_sharer(d.case, user)
    if d.revoked_at is not None or d.direction != Disclosure.Direction.OUT:
        raise ConsultError(f"提供 {d.pk} は取り消せません(既に取り消し済みか、受領の記録です)。", where="disclosure")
    with transaction.atomic():
        d.revoked_at, d.revoked_by = timezone.now(), user
        d.save(update_fields=["revoked_at", "revoked_by"])
        record("consult.disclosure.revoked", request=request, actor=user, target=d.case, detail={"disclosure": d.pk})
    return d


def do_record_received(case: Case, user: Any, *, organisation_id: Any, summary: str, basis: str,
                       consent_id: Any = None, meeting_id: Any = None, statute: str = "",
                       request: Any = None) -> Disclosure:
    """Information that came from an agency: what, from whom, on which basis."""
    check_sharer(case, user)
    org = _agency(organisation_id)
    if not summary.strip():
        raise ConsultError("受領した内容を入力してください。", where="summary")
    if basis == Disclosure.Basis.CONSENT:  # a consent to receive: this case's, not revoked, naming the agency
        consent, meeting, statute = _basis(case, org, basis, consent_id, None, "", [])
    else:
        consent, meeting, statute = _basis(case, org, basis, None, meeting_id, statute, [])
    with transaction.atomic():
        d = Disclosure.objects.create(case=case, organisation=org, direction=Disclosure.Direction.IN, basis=basis,
                                      consent=consent, meeting=meeting, statute=statute,
                                      received_summary=summary.strip(), form=Disclosure.Form.RECEIVED,
                                      created_by=user)
        record("consult.disclosure.received", request=request, actor=user, target=case,
               detail={"disclosure": d.pk, "organisation": org.pk, "basis": basis})
    return d


# --- 支援会議 ------------------------------------------------------------------------------------


def check_meeting_writer(meeting: SupportMeeting, user: Any) -> Case:
    """A case of the meeting this user may share from (assigned or supervisor); else one line."""
    for case in meeting.cases.all():
        try:
            check_sharer(case, user)
            return case
        except ConsultError:
            continue
    raise ConsultError(f"支援会議 {meeting.pk} を記録できるのは、検討したケースの担当者とセンター長だけです。",
                       where="meeting")


def do_convene_meeting(case: Case, user: Any, *, convened_by_id: Any, held_on: dt.date, agenda: str,
                       request: Any = None) -> SupportMeeting:
    check_sharer(case, user)
    dept = _city_department(convened_by_id)
    if not agenda.strip():
        raise ConsultError("支援会議の議題を入力してください。", where="agenda")
    with transaction.atomic():
        meeting = SupportMeeting.objects.create(convened_by=dept, held_on=held_on, agenda=agenda.strip(),
                                                created_by=user)
        meeting.cases.add(case)
        record("consult.meeting.recorded", request=request, actor=user, target=meeting,
               detail={"case": case.pk, "convened_by": dept.pk})
    return meeting


def do_put_case_on_meeting(meeting: SupportMeeting, case: Case, user: Any, *, request: Any = None) -> None:
    check_meeting_writer(meeting, user)
    check_sharer(case, user)
    with transaction.atomic():
        meeting.cases.add(case)
        record("consult.meeting.case_added", request=request, actor=user, target=meeting, detail={"case": case.pk})


def do_add_member(meeting: SupportMeeting, user: Any, *, organisation_id: Any, secrecy_acknowledged: bool,
                  request: Any = None) -> MeetingMember:
    check_meeting_writer(meeting, user)
    org = _agency(organisation_id)
    if not secrecy_acknowledged:
        raise ConsultError("構成員の守秘義務(社会福祉法第106条の6第5項)の確認がないため、構成員に加えられません。",
                           where="secrecy")
    if MeetingMember.objects.filter(meeting=meeting, organisation=org).exists():
        raise ConsultError(f"「{org.name}」は既に支援会議 {meeting.pk} の構成員です。", where="organisation")
    with transaction.atomic():
        member = MeetingMember.objects.create(meeting=meeting, organisation=org,
                                              secrecy_acknowledged_at=timezone.now(), recorded_by=user)
        record("consult.meeting.member_added", request=request, actor=user, target=meeting,
               detail={"organisation": org.pk})
    return member


def do_minutes(meeting: SupportMeeting, user: Any, *, conclusions: str, minutes: str,
               request: Any = None) -> SupportMeeting:
    check_meeting_writer(meeting, user)
    if not conclusions.strip() and not minutes.strip():
        raise ConsultError("結論または議事録を入力してください。", where="minutes")
    with transaction.atomic():
        meeting.conclusions, meeting.minutes = conclusions.strip(), minutes.strip()
        meeting.save(update_fields=["conclusions", "minutes"])
        record("consult.meeting.minutes", request=request, actor=user, target=meeting)
    return meeting


# --- 照会 ----------------------------------------------------------------------------------------


def do_request_information(case: Case, user: Any, *, organisation_id: Any, direction: str, subject: str,
                           due_on: dt.date, request: Any = None) -> InformationRequest:
    check_sharer(case, user)
    org = _agency(organisation_id)
    if direction not in InformationRequest.Direction.values:
        raise ConsultError("照会の方向を選んでください。", where="direction")
    if not subject.strip():
        raise ConsultError("照会の内容を入力してください。", where="subject")
    with transaction.atomic():
        req = InformationRequest.objects.create(case=case, organisation=org, direction=direction,
                                                subject=subject.strip(), due_on=due_on, created_by=user)
        record("consult.request.created", request=request, actor=user, target=case,
               detail={"request": req.pk, "organisation": org.pk, "direction": direction})
    return req


def do_answer_request(req: InformationRequest, user: Any, *, answer: str, request: Any = None) -> InformationRequest:
    check_sharer(req.case, user)
    if req.status != InformationRequest.Status.OPEN:
        raise ConsultError(f"照会 {req.pk} は既に{req.get_status_display()}です。", where="request")
    if not answer.strip():
        raise ConsultError("回答を入力してください。", where="answer")
    with transaction.atomic():
        req.answer, req.status, req.answered_at = answer.strip(), InformationRequest.Status.ANSWERED, timezone.now()
        req.save(update_fields=["answer", "status", "answered_at"])
        record("consult.request.answered", request=request, actor=user, target=req.case, detail={"request": req.pk})
    return req


# --- the agency's side -----------------------------------------------------------------------------


def agency_disclosure(user: Any, pk: int) -> Disclosure:
    """A disclosure to the user's own organisation; 403 otherwise (also when there is none)."""
    org_id = getattr(user, "organisation_id", None)
    d = Disclosure.objects.select_related("case", "organisation").filter(
        pk=pk, organisation_id=org_id, direction=Disclosure.Direction.OUT).first() if org_id else None
    if d is None:
        raise PermissionDenied("この情報を閲覧する権限がありません。")
    return d


def check_view_open(d: Disclosure, now: dt.datetime | None = None) -> None:
    """A view limited in time, not revoked, not past its expiry (else 410 with the reason)."""
    if d.form != Disclosure.Form.VIEW:
        raise PermissionDenied("この情報は画面での閲覧による提供ではありません。")
    if d.revoked_at is not None:
        raise DisclosureClosed(f"提供 {d.pk} はセンターにより取り消されました。閲覧できません。")
    if d.expires_at is not None and d.expires_at <= (now or timezone.now()):
        raise DisclosureClosed(f"提供 {d.pk} は閲覧期限({to_wareki(timezone.localdate(d.expires_at))})を過ぎました。閲覧できません。")
