"""Retention (issue #13 §8): closed cases past the city's period are crypto-erased.

    years = retention_years()                      # city.toml [consult] retention_years
    for case in expired_cases(today, years): do_erase_case(case, operator, today=today, years=years)

One case, one transaction, ONE signed certificate (yakuba.privacy.erasure, issued by
`yakuba.vault.service.erase`): its items are, first, one item per kind of row removed (the case
number and the count; the SHA-256 is over the sorted ``label:pk`` lines of the rows removed) and
then each file of the case erased (every StoredObject of the batch ``consult-case:<pk>``: its
data key destroyed, its file deleted, checked not to decrypt). People and households that no other
case refers to go with the case. What is left is a `CaseErasure` (number, dates, counts,
certificate): no name, no note.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterator

from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone

from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import Case, CaseErasure, Person
from yakuba.privacy.erasure import ErasedItem
from yakuba.vault import service as vault
from yakuba.vault.models import StoredObject

__all__ = ["case_batch", "retention_years", "kept_until", "expired_cases", "check_operator", "ErasurePlan",
           "plan_erasure", "do_erase_case"]

ERASERS = (Role.CENTER_SUPERVISOR, Role.ADMIN)
"""Who may erase the centre's expired cases: the センター長 (its own centre's), an administrator."""


def case_batch(case_pk: int) -> str:
    """The vault batch every file of a case is stored with (the attachments use it)."""
    return f"consult-case:{case_pk}"


def retention_years() -> int:
    """The city's period (city.toml ``[consult] retention_years``); a city that has not set one erases nothing."""
    from yakuba.cityprofile.load import current

    consult = current().consult
    if consult is None:
        raise ConsultError("市の設定 city.toml に [consult] retention_years がありません。保存期間が決まるまでケースは消去しません "
                           "(no retention period set)", where="city.toml:consult.retention_years")
    return consult.retention_years


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 2月29日
        return day.replace(year=day.year - years, day=28)


def kept_until(closed_on: dt.date, years: int) -> dt.date:
    """The last day a case closed on `closed_on` is kept (erased from the day after)."""
    try:
        return closed_on.replace(year=closed_on.year + years)
    except ValueError:
        return closed_on.replace(year=closed_on.year + years, day=28)


def expired_cases(today: dt.date, years: int, *, centre_id: int | None = None) -> Any:
    """Closed cases whose period has run out before `today` (oldest first)."""
    cases = Case.objects.filter(status=Case.Status.CLOSED, closed_on__isnull=False,
                                closed_on__lt=_years_before(today, years))
    if centre_id is not None:
        cases = cases.filter(centre_id=centre_id)
    return cases.order_by("closed_on", "pk")


def check_operator(user: Any) -> None:
    if user is None or not getattr(user, "is_active", False) or getattr(user, "role", None) not in ERASERS:
        raise ConsultError("保存期間を過ぎたケースを消去できるのはセンター長またはシステム管理者だけです", where="operator")
    if user.role == Role.CENTER_SUPERVISOR and not user.organisation_id:
        raise ConsultError("センター長の所属センターが登録されていません", where="operator")


@dataclass
class ErasurePlan:
    case_number: str
    rows: dict[str, list[Any]] = field(default_factory=dict)
    """model label → primary keys of the rows that go."""
    files: list[StoredObject] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(v) for v in self.rows.values())


def _delete(objs: list[Any], plan: ErasurePlan) -> None:
    """Delete `objs` and what cascades from them, noting every row's id."""
    if not objs:
        return
    collector = Collector(using=router.db_for_write(type(objs[0])), origin=objs[0])
    try:
        collector.collect(objs)
    except (ProtectedError, RestrictedError) as exc:
        found = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        blocking = sorted({o._meta.label_lower for o in found})
        raise ConsultError(f"ケース {plan.case_number} を消去できません: 参照している記録があります ({', '.join(blocking)})",
                           where=plan.case_number) from None
    for model, instances in collector.data.items():
        plan.rows.setdefault(model._meta.label_lower, []).extend(o.pk for o in instances)
    for qs in collector.fast_deletes:
        plan.rows.setdefault(qs.model._meta.label_lower, []).extend(qs.values_list("pk", flat=True))
    collector.delete()


def _delete_rows(case: Case) -> ErasurePlan:
    """Delete the case and its rows, then its people that no other case refers to, then its household
    when nobody is left in it (in that order: a person's records go with the case first)."""
    plan = ErasurePlan(case.number)
    plan.files = list(StoredObject.objects.filter(batch=case_batch(case.pk), erased_at__isnull=True)
                      .order_by("created_at"))
    people = list(case.people.all())
    household = case.household
    _delete([case], plan)
    _delete([p for p in Person.objects.filter(pk__in=[p.pk for p in people], cases__isnull=True)], plan)
    if not household.cases.exists() and not household.members.exists():
        _delete([household], plan)
    for label in plan.rows:
        plan.rows[label] = sorted(set(plan.rows[label]), key=str)
    return plan


def plan_erasure(case: Case) -> ErasurePlan:
    """What erasing `case` removes (rows by model, files) — found by deleting in a transaction that
    is rolled back: nothing is changed."""
    with transaction.atomic():
        plan = _delete_rows(case)
        transaction.set_rollback(True)
    return plan


def _items(plan: ErasurePlan, labels: dict[str, str]) -> list[ErasedItem]:
    out = []
    for label in sorted(plan.rows):
        ids = plan.rows[label]
        if not ids:
            continue
        digest = hashlib.sha256("\n".join(f"{label}:{pk}" for pk in ids).encode()).hexdigest()
        out.append(ErasedItem(object_id=f"{plan.case_number}/{label}", kind="rows",
                              description=f"相談ケース {plan.case_number} の{labels.get(label, label)} {len(ids)}行を削除",
                              size=len(ids), cipher_sha256=digest))
    return out


def _labels() -> dict[str, str]:
    from django.apps import apps

    return {m._meta.label_lower: str(m._meta.verbose_name) for m in apps.get_models()}


def do_erase_case(case: Case, operator: Any, *, today: dt.date | None = None, years: int | None = None) -> CaseErasure:
    """Erase one closed case past its period: rows, people/household no other case refers to,
    files (keys destroyed), one certificate. All in one transaction."""
    check_operator(operator)
    today = today or timezone.localdate()
    years = retention_years() if years is None else years
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("centre", "household").filter(pk=case.pk).first()
        if case is None:
            raise ConsultError("このケースは既に消去されています", where="case")
        if operator.role == Role.CENTER_SUPERVISOR and case.centre_id != operator.organisation_id:
            raise ConsultError(f"ケース {case.number} は他のセンターのケースです", where=case.number)
        if not case.is_closed or case.closed_on is None:
            raise ConsultError(f"ケース {case.number} は終結していないため消去できません", where=case.number)
        until = kept_until(case.closed_on, years)
        if until >= today:
            raise ConsultError(f"ケース {case.number} は保存期間中です({until.isoformat()} まで保存)", where=case.number)
        number, pk, centre, closed_on = case.number, case.pk, case.centre, case.closed_on
        plan = _delete_rows(case)
        items = _items(plan, _labels())
        rows = plan.row_count
        cert = vault.erase(plan.files, user=operator, summary=f"相談ケース {number} の消去(保存期間満了)",
                           extra_items=items, organisation=centre,
                           verification_extra=f"ケース {number} の行 {rows} 件を削除し、残っていないことを確認した")
        for label, ids in plan.rows.items():
            from django.apps import apps

            model = apps.get_model(label)
            if model.objects.filter(pk__in=ids).exists():
                raise ConsultError(f"ケース {number} の {label} が残っています。消去を取り消しました", where=number)
        erased = CaseErasure.objects.create(case_number=number, centre=centre, closed_on=closed_on, kept_until=until,
                                            erased_at=timezone.now(), by=operator, rows=rows, files=len(plan.files),
                                            certificate=cert)
        record("consult.case.erased", actor=operator, target_type="consult.case", target_id=pk,
               detail={"number": number, "rows": rows, "files": len(plan.files), "certificate": str(cert.id)})
    return erased


def iter_erase_expired(operator: Any, *, today: dt.date | None = None, dry_run: bool = False
                       ) -> Iterator[tuple[Case | None, str, ErasurePlan | CaseErasure | ConsultError]]:
    """Each expired case of the operator's centre (an administrator: every centre), erased (or, with
    `dry_run`, planned): (case, number, what came of it). An error of one case does not stop the rest."""
    check_operator(operator)
    today = today or timezone.localdate()
    years = retention_years()
    centre = operator.organisation_id if operator.role == Role.CENTER_SUPERVISOR else None
    for case in list(expired_cases(today, years, centre_id=centre)):
        number = case.number
        try:
            if dry_run:
                yield case, number, plan_erasure(case)
            else:
                yield None, number, do_erase_case(case, operator, today=today, years=years)
        except ConsultError as exc:
            yield case, number, exc
