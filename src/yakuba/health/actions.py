"""What changes in the 健康情報システム: children registered, checkups recorded, CSV files imported.

`check_*` validates and refuses with a `HealthError`; `do_*` changes and records one audit entry (ids and
counts, never values). The screens and `yakuba health import` both come through here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.health import checks
from yakuba.health.errors import HealthError
from yakuba.health.importer import ImportRefused, Row, parse
from yakuba.health.models import Checkup, Child
from yakuba.linkage.checkup import CheckupKind, Judgement, Sex, age_in_months

__all__ = ["NeedsConfirmation", "check_health_staff", "do_add_child", "check_checkup", "do_record_checkup",
           "ImportResult", "do_import"]

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


@dataclass(frozen=True)
class ImportResult:
    encoding: str
    rows: int
    children_added: int
    checkups_added: int
    with_warnings: int


def do_import(data: bytes, user: Any, *, request: Any = None, today: dt.date | None = None) -> ImportResult:
    """Take a CSV file whole or not at all: every row checked first, then all kept in one transaction."""
    check_health_staff(user)
    rows, encoding = parse(data)
    problems: list[str] = []
    children: dict[str, Child] = {c.resident_key: c for c in
                                  Child.objects.filter(resident_key__in={r.child["resident_key"] for r in rows})}
    for r in rows:
        existing = children.get(r.child["resident_key"])
        if existing is not None:
            for name in ("birth_date", "sex"):
                if getattr(existing, name) != (r.child[name].value if name == "sex" else r.child[name]):
                    problems.append(f"{r.line}行目 宛名番号: 登録済みの乳幼児と{'生年月日' if name == 'birth_date' else '性別'}が違います")
    added_children = added_checkups = warned = 0
    if problems:
        raise ImportRefused(problems[:20], total=len(problems))
    with transaction.atomic():
        for r in rows:
            child = children.get(r.child["resident_key"])
            if child is None:
                values = dict(r.child)
                values["sex"] = values["sex"].value
                child = Child.objects.create(**values)
                children[child.resident_key] = child
                added_children += 1
            values = dict(r.checkup)
            kind, checkup_date, age = values.pop("kind"), values.pop("checkup_date"), values.pop("age_in_months", None)
            for key in ("judgement", "urine_protein", "urine_blood"):
                if key in values:
                    values[key] = values[key].value
            try:
                issues = check_checkup(child, kind, checkup_date, values, today=today, age=age)
            except HealthError as exc:
                problems.append(f"{r.line}行目: {exc.message}")
                continue
            fields = {k: v for k, v in values.items() if k in CHECKUP_FIELDS}
            warnings = sorted({i.key for i in issues if i.severity == checks.WARNING})
            Checkup.objects.create(child=child, kind=kind, checkup_date=checkup_date,
                                   age_in_months=age_in_months(child.birth_date, checkup_date), warnings=warnings,
                                   source=Checkup.Source.IMPORT, entered_by=user, **fields)
            added_checkups += 1
            warned += bool(warnings)
        if problems:
            transaction.set_rollback(True)
        else:
            record("health.import", request=request, actor=user, target_type="health.checkup",
                   detail={"rows": len(rows), "children": added_children, "checkups": added_checkups,
                           "with_warnings": warned, "encoding": encoding})
    if problems:
        raise ImportRefused(problems[:20], total=len(problems))
    return ImportResult(encoding, len(rows), added_children, added_checkups, warned)
