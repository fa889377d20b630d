"""Children and their checkups: registered, recorded after the checks, warnings confirmed.

`check_*` validates and refuses with a `HealthError`; `do_*` changes and records one audit entry (ids and
counts, never values). The screens and the CSV import (`yakuba.health.actions.imports`) come through here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.health import checks
from yakuba.health.errors import HealthError
from yakuba.health.jobs import schedule
from yakuba.health.models import Checkup, Child
from yakuba.linkage.checkup import CheckupKind, Judgement, Sex, age_in_months

__all__ = ["NeedsConfirmation", "check_health_staff", "do_add_child", "check_checkup", "do_record_checkup",
           "do_confirm_warnings", "CHILD_FIELDS", "CHECKUP_FIELDS"]

CHILD_FIELDS = ("resident_key", "name", "name_kana", "birth_date", "sex", "birth_weight_g", "birth_length_cm",
                "birth_head_cm", "birth_chest_cm", "gestational_weeks")
CHECKUP_FIELDS = ("height_cm", "weight_kg", "chest_cm", "head_cm", "judgement", "detailed_exam_date",
                  "urine_protein", "urine_blood", "nutrition", "caries_teeth", "dental_note", "eyes", "ears")

class NeedsConfirmation(HealthError):
    """Warnings the staff has not confirmed yet; `issues` lists them (the screen shows each)."""

    code = "health.confirm"

    def __init__(self, issues: Sequence[checks.Issue]) -> None:
        super().__init__("確認が必要な値があります: " + " / ".join(i.message for i in issues),
                         where=",".join(i.field for i in issues))
        self.issues = list(issues)


def check_health_staff(user: Any) -> None:
    if getattr(user, "role", None) != Role.HEALTH_STAFF:
        raise HealthError("健康増進センターの職員だけが健診の記録を扱えます。")


def do_add_child(user: Any, *, request: Any = None, **values: Any) -> Child:
    check_health_staff(user)
    unknown = set(values) - set(CHILD_FIELDS)
    if unknown:
        raise HealthError(f"知らない項目です: {sorted(unknown)}")
    if Child.objects.filter(resident_key=values.get("resident_key")).exists():
        raise HealthError(f"宛名番号 {values.get('resident_key')} の乳幼児は登録済みです。", where="resident_key")
    with transaction.atomic():
        child = Child.objects.create(**values)
        record("health.child.created", request=request, actor=user, target=child)
    return child


def _entry(kind: CheckupKind, checkup_date: dt.date, values: dict[str, Any],
           age: int | None = None) -> checks.Entry:
    judgement = values.get("judgement") or None
    return checks.Entry(kind, checkup_date, values.get("height_cm"), values.get("weight_kg"), values.get("chest_cm"),
                        values.get("head_cm"), Judgement(judgement) if judgement else None,
                        values.get("detailed_exam_date"),
                        bool(values.get("urine_protein") or values.get("urine_blood")), values.get("caries_teeth"),
                        age)


def _earlier(child: Child) -> list[checks.Earlier]:
    return [checks.Earlier(CheckupKind(c.kind), c.checkup_date, c.height_cm) for c in child.checkups.all()]


def check_checkup(child: Child, kind: CheckupKind, checkup_date: dt.date, values: dict[str, Any], *,
                  today: dt.date | None = None, age: int | None = None) -> list[checks.Issue]:
    """Every error and warning of an entry for `child` (errors raise; warnings are returned)."""
    if child.checkups.filter(kind=kind).exists():
        raise HealthError(f"この乳幼児の{kind.label}は記録済みです。", where="kind")
    if (values.get("urine_protein") or "") and not (values.get("urine_blood") or "") \
            or (values.get("urine_blood") or "") and not (values.get("urine_protein") or ""):
        raise HealthError("検尿は蛋白と潜血の両方を入力してください。", where="urine")
    issues = checks.check_checkup(_entry(kind, checkup_date, values, age), birth_date=child.birth_date,
                                  sex=Sex(child.sex), today=today or timezone.localdate(), earlier=_earlier(child))
    errors = checks.errors(issues)
    if errors:
        raise HealthError(" / ".join(e.message for e in errors), where=",".join(e.field for e in errors))
    return issues


def do_record_checkup(child: Child, user: Any, *, kind: CheckupKind, checkup_date: dt.date,
                      values: dict[str, Any], findings: Iterable[dict[str, str]] = (),
                      interview: dict[str, str] | None = None, confirmed: Iterable[str] = (),
                      request: Any = None, source: str = Checkup.Source.ENTRY) -> Checkup:
    """Keep a checkup; every warning must be among `confirmed` (keys like ``weight_kg:outside_band``)."""
    check_health_staff(user)
    issues = check_checkup(child, kind, checkup_date, values)
    confirmed = set(confirmed)
    if source == Checkup.Source.ENTRY:
        waiting = checks.unconfirmed(issues, confirmed)
        if waiting:
            raise NeedsConfirmation(waiting)
    warnings = sorted({i.key for i in issues if i.severity == checks.WARNING})
    fields = {k: values.get(k) for k in CHECKUP_FIELDS if values.get(k) not in (None, "")}
    try:
        with transaction.atomic():
            checkup = Checkup.objects.create(
                child=child, kind=kind, checkup_date=checkup_date,
                age_in_months=age_in_months(child.birth_date, checkup_date), findings=list(findings),
                interview=dict(interview or {}), warnings=warnings,
                confirmed_warnings=sorted(confirmed & set(warnings)), source=source, entered_by=user, **fields)
            record("health.checkup.created", request=request, actor=user, target=child,
                   detail={"checkup": checkup.pk, "kind": kind.value, "warnings": len(warnings)})
            if source == Checkup.Source.ENTRY:  # an import schedules its children once, at its end
                schedule([child.pk], user)
    except IntegrityError as exc:  # two staff saving the same checkup at once
        raise HealthError(f"この乳幼児の{kind.label}は記録済みです。", where="kind") from exc
    return checkup


def do_confirm_warnings(checkup: Checkup, user: Any, *, request: Any = None) -> None:
    """An imported record's warnings, looked at and confirmed by the staff."""
    check_health_staff(user)
    checkup.confirmed_warnings = sorted(set(checkup.warnings or []))
    checkup.save(update_fields=["confirmed_warnings"])
    record("health.checkup.confirmed", request=request, actor=user, target=checkup.child,
           detail={"checkup": checkup.pk})
