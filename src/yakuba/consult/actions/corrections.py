"""Corrections that get made (issue #13 §7).

    req = do_open_correction(worker, requester="person", department="長寿応援課", record_ref="…", wrong="…",
                             asked="…", owner_id=worker.pk, case=case)
    do_answer_correction(req, worker, status="corrected", answer="…")
    change = do_correct(worker, record, "said", "…", reason="…", correction=req)   # RecordChange
    escalate_overdue(today)                       # `yakuba consult escalate`, the worker's housekeeping

A correction request is the centre's to chase: its owner (a centre user) tracks it to the answer of
the department that holds the data; past its due date it is escalated once to the センター長 and
appears on the council's list (numbers, departments, days — no names).

A field of a consult record (Person, ConsultationRecord, Assessment) is changed only through
`do_correct`, which keeps the old and the new value, the reason and who, in a `RecordChange`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from yakuba.accounts.models import Organisation, User
from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.consult.access import CENTRE_ROLES, Level, access_case, shown_fields
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import (Assessment, Case, ConsultationRecord, CorrectionRequest, Person, RecordChange)

__all__ = ["CORRECTABLE", "correction_departments", "check_open_correction", "do_open_correction",
           "check_answer_correction", "do_answer_correction", "do_start_correction", "correctable",
           "check_correct", "do_correct", "escalate_overdue", "may_read_correction"]

log = logging.getLogger("yakuba.consult.corrections")

CORRECTABLE: dict[type[models.Model], tuple[str, ...]] = {
    Person: ("name", "name_kana", "birth_date", "address", "phone", "resident_key"),
    ConsultationRecord: ("said", "next_step", "follow_up_on"),
    Assessment: ("situation", "health_details", "risks"),
}
"""The fields a correction may change, per record type (data: the allow-list)."""

ANSWERS = (CorrectionRequest.Status.CORRECTED, CorrectionRequest.Status.DECLINED, CorrectionRequest.Status.WITHDRAWN)
MAX_TEXT = 4000


def correction_departments() -> tuple[str, ...]:
    """The departments a correction may be asked of: the city profile's ([consult] departments, the
    letter departments) and the organisations of kind city_department/agency."""
    from yakuba.cityprofile.load import current

    profile = current()
    names = list(profile.consult.departments if profile.consult else ())
    names += list(profile.city.departments.values())
    names += list(Organisation.objects.filter(kind__in=("city_department", "agency")).order_by("name")
                  .values_list("name", flat=True))
    return tuple(dict.fromkeys(n for n in names if n))


def _due_days() -> int:
    from yakuba.cityprofile.load import current

    consult = current().consult
    return consult.correction_due_days if consult else 30


def _text(value: Any, what: str, where: str, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ConsultError(f"{what}を入力してください。", where=where)
    if len(text) > MAX_TEXT:
        raise ConsultError(f"{what}は{MAX_TEXT}文字以内にしてください。", where=where)
    return text


def _centre_user(user: Any) -> None:
    if getattr(user, "role", None) not in CENTRE_ROLES or not getattr(user, "organisation_id", None):
        raise ConsultError("訂正依頼を扱えるのはセンターの職員だけです。", where="user")


def check_open_correction(user: Any, *, requester: str, department: str, case: Case | None, owner_id: int | None,
                          person_id: int | None = None) -> tuple[User, Person | None]:
    _centre_user(user)
    if requester not in CorrectionRequest.Requester.values:
        raise ConsultError("依頼者(本人・民生委員・センター)を選んでください。", where="requester")
    if department not in correction_departments():
        raise ConsultError("データを保有する部署を一覧から選んでください。", where="department")
    person = None
    if case is not None:
        if access_case(user, case) < Level.SUPERVISOR:
            raise ConsultError(f"ケース {case.number} の訂正依頼を受け付けられるのは担当者かセンター長だけです。",
                               where=case.number)
        if person_id is not None:
            person = case.people.filter(pk=person_id).first()
            if person is None:
                raise ConsultError(f"対象者はケース {case.number} の対象者から選んでください。", where="person")
    elif person_id is not None:
        raise ConsultError("対象者を選ぶときはケースも選んでください。", where="person")
    owner = User.objects.filter(pk=owner_id, organisation_id=user.organisation_id, role__in=CENTRE_ROLES,
                                is_active=True).first() if owner_id else None
    if owner is None:
        raise ConsultError("担当者はこのセンターの職員から選んでください。", where="owner")
    return owner, person


def _next_number(today: dt.date) -> str:
    prefix = f"T{today.year}-"
    last = (CorrectionRequest.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    return f"{prefix}{(int(last.removeprefix(prefix)) + 1) if last else 1:05d}"


def do_open_correction(user: Any, *, requester: str, department: str, record_ref: str, wrong: str, asked: str,
                       owner_id: int | None, case: Case | None = None, person_id: int | None = None,
                       due_on: dt.date | None = None, received_on: dt.date | None = None,
                       request: Any = None) -> CorrectionRequest:
    owner, person = check_open_correction(user, requester=requester, department=department, case=case,
                                          owner_id=owner_id, person_id=person_id)
    received_on = received_on or timezone.localdate()
    due_on = due_on or received_on + dt.timedelta(days=_due_days())
    if due_on < received_on:
        raise ConsultError("期限は受付日より後の日にしてください。", where="due_on")
    fields = dict(record_ref=_text(record_ref, "対象の記録", "record_ref"), wrong=_text(wrong, "誤っている内容", "wrong"),
                  asked=_text(asked, "求める訂正", "asked"))
    holder = Organisation.objects.filter(name=department).first()
    for _ in range(10):
        try:
            with transaction.atomic():
                req = CorrectionRequest.objects.create(
                    number=_next_number(received_on), centre_id=user.organisation_id, requester=requester, case=case,
                    person=person, holder=holder, department=department, owner=owner, created_by=user,
                    received_on=received_on, due_on=due_on, **fields)
                record("consult.correction.opened", request=request, actor=user, target=req,
                       detail={"number": req.number, "case": case.pk if case else None, "owner": owner.pk,
                               "due_on": due_on.isoformat(), "department": department})
                return req
        except IntegrityError:
            continue
    raise ConsultError("訂正依頼の番号を割り当てられませんでした。もう一度受け付けてください。", where="number")


def may_read_correction(user: Any, req: CorrectionRequest) -> bool:
    """The request's text (what is wrong, the change, the answer): its owner, who took it, the
    centre's センター長, and those who may read its case."""
    if getattr(user, "role", None) not in CENTRE_ROLES or user.organisation_id != req.centre_id:
        return False
    if user.pk in (req.owner_id, req.created_by_id) or user.role == Role.CENTER_SUPERVISOR:
        return True
    return req.case is not None and access_case(user, req.case) >= Level.SUPERVISOR


def _may_act(user: Any, req: CorrectionRequest) -> None:
    _centre_user(user)
    if user.organisation_id != req.centre_id or not (user.pk == req.owner_id or user.role == Role.CENTER_SUPERVISOR):
        raise ConsultError(f"訂正依頼 {req.number} を進められるのは担当者かセンター長だけです。", where=req.number)
    if not req.is_open:
        raise ConsultError(f"訂正依頼 {req.number} は既に回答済みです({req.get_status_display()})。", where=req.number)


def do_start_correction(req: CorrectionRequest, user: Any, *, request: Any = None) -> CorrectionRequest:
    """受付 → 対応中 (the department has been asked)."""
    _may_act(user, req)
    if req.status != CorrectionRequest.Status.RECEIVED:
        raise ConsultError(f"訂正依頼 {req.number} は既に対応中です。", where=req.number)
    with transaction.atomic():
        req.status = CorrectionRequest.Status.IN_PROGRESS
        req.save(update_fields=["status"])
        record("consult.correction.started", request=request, actor=user, target=req, detail={"number": req.number})
    return req


def check_answer_correction(req: CorrectionRequest, user: Any, status: str, answer: str) -> str:
    _may_act(user, req)
    if status not in ANSWERS:
        raise ConsultError("回答の結果(訂正済み・訂正しない・取り下げ)を選んでください。", where="status")
    what = "訂正しない理由" if status == CorrectionRequest.Status.DECLINED else "回答"
    return _text(answer, what, "answer")


def do_answer_correction(req: CorrectionRequest, user: Any, *, status: str, answer: str,
                         request: Any = None) -> CorrectionRequest:
    answer = check_answer_correction(req, user, status, answer)
    with transaction.atomic():
        req.status, req.answer, req.answered_at = status, answer, timezone.now()
        req.save(update_fields=["status", "answer", "answered_at"])
        record("consult.correction.answered", request=request, actor=user, target=req,
               detail={"number": req.number, "status": status})
    return req


# --- the change of a field --------------------------------------------------------------------


def _case_of(obj: models.Model) -> Case | None:
    return getattr(obj, "case", None) if not isinstance(obj, Person) else None


def correctable(level: Level, model: type[models.Model]) -> list[str]:
    """The fields of `model` this level may correct (those it may see, of the allow-list)."""
    return shown_fields(level, model, CORRECTABLE.get(model, ()))


def _level(user: Any, obj: models.Model, case: Case | None) -> Level:
    if isinstance(obj, Person):
        cases = [case] if case is not None and obj.cases.filter(pk=case.pk).exists() else list(obj.cases.all())
        return max((access_case(user, c) for c in cases), default=Level.NONE)
    return access_case(user, _case_of(obj)) if _case_of(obj) is not None else Level.NONE


def _parse(obj: models.Model, name: str, value: Any) -> Any:
    f = obj._meta.get_field(name)
    if isinstance(f, models.DateField):
        if value in (None, ""):
            if not f.null:
                raise ConsultError(f"{f.verbose_name}は空にできません。", where=name)
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ConsultError(f"{f.verbose_name}は 2026-04-01 の形の日付で入力してください。", where=name) from None
    text = str(value if value is not None else "").strip()
    if not text and not f.blank:
        raise ConsultError(f"{f.verbose_name}は空にできません。", where=name)
    try:
        f.run_validators(text) if text else None
    except ValidationError:
        raise ConsultError(f"{f.verbose_name}の値が正しくありません。", where=name) from None
    if getattr(f, "max_length", None) and len(text) > f.max_length:
        raise ConsultError(f"{f.verbose_name}は{f.max_length}文字以内にしてください。", where=name)
    if len(text) > MAX_TEXT:
        raise ConsultError(f"{f.verbose_name}は{MAX_TEXT}文字以内にしてください。", where=name)
    return text


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def check_correct(user: Any, obj: models.Model, name: str, value: Any, reason: str,
                  correction: CorrectionRequest | None = None, case: Case | None = None) -> tuple[Any, str]:
    """The new value (parsed) and the reason, or ConsultError: the user must be able to see the field
    (an assigned worker; the センター長 but for health details) and the reason is required."""
    _centre_user(user)
    model = type(obj)
    if model not in CORRECTABLE or name not in CORRECTABLE[model]:
        raise ConsultError("この項目は訂正できません。", where=name)
    level = _level(user, obj, case)
    if level < Level.SUPERVISOR or name not in correctable(level, model):
        raise ConsultError(f"{model._meta.verbose_name} {obj.pk} のこの項目を訂正する権限がありません。", where=name)
    new = _parse(obj, name, value)
    if _as_text(new) == _as_text(getattr(obj, name)):
        raise ConsultError("訂正後の値が訂正前と同じです。", where=name)
    reason = _text(reason, "訂正の理由", "reason")
    if correction is not None:
        if correction.centre_id != user.organisation_id:
            raise ConsultError("その訂正依頼はこのセンターのものではありません。", where="correction")
        target_case = case or _case_of(obj)
        if correction.case_id is not None and target_case is not None and correction.case_id != target_case.pk:
            raise ConsultError(f"訂正依頼 {correction.number} は別のケースのものです。", where="correction")
    return new, reason


def do_correct(user: Any, obj: models.Model, name: str, value: Any, *, reason: str,
               correction: CorrectionRequest | None = None, case: Case | None = None,
               request: Any = None) -> RecordChange:
    """Change one field of a consult record, keeping the old value, the new, why and who."""
    new, reason = check_correct(user, obj, name, value, reason, correction, case)
    with transaction.atomic():
        obj = type(obj).objects.select_for_update().get(pk=obj.pk)
        old = getattr(obj, name)
        setattr(obj, name, new)
        obj.save(update_fields=[name])
        change = RecordChange.objects.create(
            model=obj._meta.label_lower, object_id=str(obj.pk), field=name, old=_as_text(old), new=_as_text(new),
            reason=reason, by=user, at=timezone.now(), correction=correction,
            case=_case_of(obj), person=obj if isinstance(obj, Person) else None)
        record("consult.record.corrected", request=request, actor=user, target=obj,
               detail={"field": name, "change": change.pk,
                       "correction": correction.number if correction else None})
    return change


# --- escalation -------------------------------------------------------------------------------


def _supervisor(centre_id: int) -> User | None:
    return (User.objects.filter(organisation_id=centre_id, role=Role.CENTER_SUPERVISOR, is_active=True)
            .order_by("pk").first())


def escalate_overdue(today: dt.date | None = None) -> list[CorrectionRequest]:
    """Every open request past its due date that was not escalated yet: escalated once (the センター長
    told: the request is on their list and in the audit log). Idempotent: a second run escalates nothing."""
    today = today or timezone.localdate()
    done = []
    with transaction.atomic():
        overdue = (CorrectionRequest.objects.select_for_update()
                   .filter(status__in=CorrectionRequest.OPEN, due_on__lt=today, escalated_at__isnull=True)
                   .order_by("due_on", "pk"))
        for req in overdue:
            req.escalated_at, req.escalated_to = timezone.now(), _supervisor(req.centre_id)
            req.save(update_fields=["escalated_at", "escalated_to"])
            record("consult.correction.escalated", target=req,
                   detail={"number": req.number, "due_on": req.due_on.isoformat(),
                           "days_overdue": (today - req.due_on).days,
                           "supervisor": req.escalated_to_id})
            log.warning("訂正依頼 %s が期限 %s を過ぎたためセンター長に報告しました (correction overdue: escalated)",
                        req.number, req.due_on.isoformat())
            done.append(req)
    return done
