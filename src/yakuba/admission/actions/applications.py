"""Applications: matched to the 住民記録, entered by hand at the counter, corrected, confirmed by staff.

- `match_residents`: exact matches only (the child on 氏名 and 生年月日, each guardian on 氏名 at the
  child's address); anything else waits for staff (照合待ち).
- `check_new_receipt`: a 受付番号 is registered once a year (hand entry and the vendor's package).
- `do_enter_application` (窓口), `do_correct_application`, `do_confirm_match` (by 宛名番号).
- `applicant` and `points_breakdown`: an application as the allocation engine sees it.
Every change is audited with field names and ids, never values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from django.db import transaction

from yakuba.admission.config import rules
from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Application, Resident
from yakuba.allocation.rules import Applicant, score
from yakuba.audit.log import record
from yakuba.ocr.canonical import text as canonical  # the delivery's canonical text: NFKC, one space

FACT_KEYS = ("single_parent", "welfare", "guardian_absent_reason", "siblings_enrolled", "returning_from_leave",
             "nursery_worker", "unlicensed_care", "grandparent_caregiver", "fee_arrears", "multiple_birth",
             "child_disability", "number_of_children", "current")
"""The facts of an application that the city's 調整点 rules read."""

BOOLEAN_FACTS = {
    "single_parent": "ひとり親世帯", "welfare": "生活保護世帯", "returning_from_leave": "育児休業からの復職",
    "nursery_worker": "保護者が市内の保育施設で保育士等として勤務", "unlicensed_care": "認可外保育施設等を有償で利用して就労",
    "grandparent_caregiver": "同居の親族(65歳未満)が保育可能", "fee_arrears": "保育料の滞納",
    "multiple_birth": "多胎児の同時申込", "child_disability": "児童に障害がある(集団保育が可能)",
}
"""The city's yes/no facts staff tick on an application (the 調整点 rules name them)."""

EDITABLE = ("base_points", "wishes", "facts", "household", "sibling_pattern", "child_name", "child_birth",
            "guardian1_name", "guardian2_name", "address", "receipt_date")
"""What staff may enter or correct by hand."""

NAMES = ("child_name", "guardian1_name", "guardian2_name", "address")
"""Entered by hand: kept in the delivery's canonical text, so that matching treats both alike."""

_MATCHED_ON = {"child_name", "child_birth", "guardian1_name", "guardian2_name"}


def match_residents(app: Application) -> Application:
    """Exact matches only: the child on (氏名, 生年月日), each guardian on 氏名 at the child's address.

    Anything else (none, several, a guardian not found) leaves the application 照合待ち for staff.
    Does not save.
    """
    children = list(Resident.objects.filter(name=canonical(app.child_name), birth_date=app.child_birth)[:2])
    child = children[0] if len(children) == 1 else None
    guardians: list[Resident | None] = []
    ok = child is not None
    for name in (app.guardian1_name, app.guardian2_name):
        if not name:
            guardians.append(None)
            continue
        found = list(Resident.objects.filter(name=canonical(name), address=child.address)[:2]) if child else []
        guardians.append(found[0] if len(found) == 1 else None)
        ok = ok and len(found) == 1
    app.child_resident, app.guardian1_resident, app.guardian2_resident = child, guardians[0], guardians[1]
    app.match = Application.Match.MATCHED if ok else Application.Match.PENDING
    if ok and not app.household and guardians[0] is not None:
        app.household = f"H{guardians[0].atena_number}"
    return app


def check_new_receipt(admission_year: int, receipt_number: str) -> None:
    """AdmissionError when the 受付番号 is already registered for the year."""
    if Application.objects.filter(admission_year=admission_year, receipt_number=receipt_number).exists():
        raise AdmissionError(f"受付番号 {receipt_number} は既に登録されています。")


def check_changes(changes: Mapping[str, Any]) -> None:
    """AdmissionError naming the fields that staff may not change by hand."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise AdmissionError(f"変更できない項目です: {', '.join(sorted(unknown))}")


def do_enter_application(user: Any, *, admission_year: int, receipt_number: str, values: Mapping[str, Any],
                         request: Any = None) -> Application:
    """An application entered by hand at the counter (窓口), received today, matched like any other."""
    check_new_receipt(admission_year, receipt_number)
    check_changes(values)
    app = Application(admission_year=admission_year, receipt_number=receipt_number, receipt_date=dt.date.today(),
                      source=Application.Source.MANUAL)
    return _save(app, user, {k: canonical(v) if k in NAMES else v for k, v in values.items()}, request=request)


def do_correct_application(app: Application, user: Any, changes: Mapping[str, Any], *,
                           request: Any = None) -> Application:
    """Correct an application by hand; matched again when a name or the birth date changes."""
    check_changes(changes)
    return _save(app, user, changes, request=request)


def _save(app: Application, user: Any, changes: Mapping[str, Any], *, request: Any) -> Application:
    changed = sorted(k for k, v in changes.items() if getattr(app, k, None) != v)
    for k, v in changes.items():
        setattr(app, k, v)
    new = app.pk is None
    with transaction.atomic():
        if new or _MATCHED_ON & set(changed):
            match_residents(app)
        app.save()
        record("admission.application.created" if new else "admission.application.changed", request=request,
               actor=user, target=app, detail={"fields": changed})
    return app


def do_confirm_match(app: Application, user: Any, *, child: str, guardian1: str = "", guardian2: str = "",
                     request: Any = None) -> Application:
    """Staff tie an application to residents by 宛名番号 (the 照合待ち queue)."""
    app.child_resident = _resident(child)
    if app.child_resident is None:
        raise AdmissionError("児童の宛名番号を入力してください。")
    app.guardian1_resident, app.guardian2_resident = _resident(guardian1), _resident(guardian2)
    app.match = Application.Match.CONFIRMED
    if not app.household and app.guardian1_resident is not None:
        app.household = f"H{app.guardian1_resident.atena_number}"
    with transaction.atomic():
        app.save()
        record("admission.application.matched", request=request, actor=user, target=app,
               detail={"residents": [r.pk for r in (app.child_resident, app.guardian1_resident, app.guardian2_resident) if r]})
    return app


def _resident(number: str) -> Resident | None:
    if not number.strip():
        return None
    try:
        return Resident.objects.get(atena_number=number.strip())
    except Resident.DoesNotExist:
        raise AdmissionError(f"宛名番号 {number} の住民記録がありません。") from None


def applicant(app: Application, facilities: set[str]) -> Applicant:
    """The application as the engine's applicant; wishes and 在籍施設 outside `facilities` are left out."""
    facts = {k: v for k, v in (app.facts or {}).items() if k in FACT_KEYS}
    if "siblings_enrolled" in facts:
        facts["siblings_enrolled"] = frozenset(facts["siblings_enrolled"] or ())
    current = facts.pop("current", None) or None
    return Applicant(
        id=app.receipt_number, household=app.household_id, birth=app.child_birth,
        wishes=tuple(w for w in app.wishes if w in facilities), base_points=app.base_points,
        receipt_number=app.receipt_number, receipt_date=app.receipt_date,
        current=current if current in facilities else None, pattern=app.sibling_pattern,
        household_income=app.income(), **facts)


def points_breakdown(app: Application) -> str:
    """How the application's points are made up under the city's rules (基準点, 調整点), as one line."""
    return score(applicant(app, set(app.wishes)), rules()).describe()
