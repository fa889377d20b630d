"""Opening a case from an intake, its people and workers, closing it.

    case = do_open_case(worker, person={...}, domains=["elderly"], route="phone", urgency="soon", worry="…")
    do_close(case, worker, reason="resolved", note="…")
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.consult.access import CENTRE_ROLES, Level, access_case
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import Case, Domain, Household, Intake, Person

__all__ = ["check_open_case", "do_open_case", "check_writable", "do_add_member", "do_assign_worker",
           "check_close", "do_close", "centre_workers"]

PERSON_FIELDS = ("name", "name_kana", "birth_date", "address", "phone", "resident_key")


def check_open_case(user: Any, domains: Iterable[str]) -> None:
    if getattr(user, "role", None) not in CENTRE_ROLES or not user.organisation_id:
        raise ConsultError("相談受付はセンターの職員だけが行えます。")
    domains = list(domains)
    if not domains or any(d not in Domain.values for d in domains):
        raise ConsultError("分野を1つ以上選んでください(障がい・高齢・子ども・生活困窮)。", where="domains")


def _next_number(today: dt.date) -> str:
    prefix = f"C{today.year}-"
    last = Case.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    n = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{n:05d}"


def _create_numbered(**fields: Any) -> Case:
    """A case with the next number of its year; two intakes at once that drew the same number:
    the second draws again (the number is unique), never an error."""
    for _ in range(10):
        try:
            with transaction.atomic():
                return Case.objects.create(number=_next_number(fields["opened_on"]), **fields)
        except IntegrityError:
            continue
    raise ConsultError("ケース番号を割り当てられませんでした。もう一度受け付けてください。", where="number")


def _centre_supervisor(centre_id: int) -> User | None:
    return User.objects.filter(organisation_id=centre_id, role=Role.CENTER_SUPERVISOR, is_active=True).order_by("pk").first()


def do_open_case(user: Any, *, person: dict[str, Any], domains: Iterable[str], route: str, urgency: str, worry: str,
                 received_at: dt.datetime | None = None, household: Household | None = None,
                 track: str = Case.Track.CONSENT, request: Any = None) -> Case:
    """相談受付: a new person (in a new household unless given), a case assigned to the one who took it."""
    domains = list(dict.fromkeys(domains))
    check_open_case(user, domains)
    if route not in Intake.Route.values or urgency not in Intake.Urgency.values:
        raise ConsultError("経路または緊急度が正しくありません。", where="route")
    if track not in Case.Track.values:
        raise ConsultError("受付の区分(本人同意あり・なし)を選んでください。", where="track")
    received_at = received_at or timezone.now()
    with transaction.atomic():
        household = household or Household.objects.create()
        who = Person.objects.create(household=household, **{k: person.get(k) or ("" if k != "birth_date" else None)
                                                             for k in PERSON_FIELDS})
        case = _create_numbered(centre_id=user.organisation_id, household=household, domains=domains,
                                opened_on=timezone.localdate(received_at),
                                supervisor=_centre_supervisor(user.organisation_id), track=track)
        case.people.add(who)
        if user.role == Role.CENTER_WORKER:
            case.workers.add(user)
        Intake.objects.create(case=case, received_at=received_at, route=route, urgency=urgency, worry=worry,
                              received_by=user)
        record("consult.case.opened", request=request, actor=user, target=case,
               detail={"person": who.pk, "household": household.pk, "domains": domains, "route": route,
                       "urgency": urgency, "track": track})
    return case


def check_writable(case: Case, user: Any, *, at_least: Level = Level.ASSIGNED) -> Level:
    """The user may add to the case (its assigned workers; the supervisor where `at_least` says so)."""
    level = access_case(user, case)
    if level < at_least:
        raise ConsultError(f"ケース {case.number} に記録できるのは担当の相談支援員だけです。", where=case.number)
    if case.is_closed:
        raise ConsultError(f"ケース {case.number} は終結しています。記録を追加できません。", where=case.number)
    return level


def do_add_member(case: Case, user: Any, person: dict[str, Any], *, request: Any = None) -> Person:
    """Another person of the same household joins the case."""
    check_writable(case, user)
    with transaction.atomic():
        who = Person.objects.create(household=case.household, **{k: person.get(k) or ("" if k != "birth_date" else None)
                                                                  for k in PERSON_FIELDS})
        case.people.add(who)
        record("consult.case.member_added", request=request, actor=user, target=case, detail={"person": who.pk})
    return who


def centre_workers(case: Case) -> list[User]:
    return list(User.objects.filter(organisation_id=case.centre_id, role=Role.CENTER_WORKER, is_active=True)
                .order_by("username"))


def do_assign_worker(case: Case, user: Any, worker_id: int, *, request: Any = None) -> User:
    """The supervisor (or an assigned worker) assigns another worker of the centre."""
    check_writable(case, user, at_least=Level.SUPERVISOR)
    worker = next((w for w in centre_workers(case) if w.pk == worker_id), None)
    if worker is None:
        raise ConsultError("担当者にできるのは、このセンターの相談支援員だけです。", where="worker")
    with transaction.atomic():
        case.workers.add(worker)
        record("consult.case.worker_assigned", request=request, actor=user, target=case, detail={"worker": worker.pk})
    return worker


def check_close(case: Case, user: Any, reason: str) -> None:
    check_writable(case, user, at_least=Level.SUPERVISOR)
    if reason not in Case.CloseReason.values:
        raise ConsultError("終結の理由を選んでください。", where="reason")


def do_close(case: Case, user: Any, *, reason: str, note: str = "", on: dt.date | None = None,
             request: Any = None) -> Case:
    check_close(case, user, reason)
    with transaction.atomic():
        case.status, case.close_reason, case.close_note = Case.Status.CLOSED, reason, note
        case.closed_on = on or timezone.localdate()
        case.save(update_fields=["status", "close_reason", "close_note", "closed_on"])
        record("consult.case.closed", request=request, actor=user, target=case, detail={"reason": reason})
    return case
