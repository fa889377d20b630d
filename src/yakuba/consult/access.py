"""Who sees what of a case (issue #13 §3): the one place that decides.

    case, level = access_case_by_id(request.user, pk)          # 403 when the user may not know it
    fields = shown_fields(level, Assessment, ASSESSMENT_FIELDS) # then yakuba.audit.reveal.reveal(...)

- ASSIGNED: the case's assigned workers — everything, health and disability details included.
- SUPERVISOR: the case's supervisor or the centre's センター長 — everything but the `health` fields.
- EXISTS: the centre's other staff — that the case exists, its number, domains, status and whom to
  ask (the workers' user names); no names, no notes.
- BREAK_GLASS: an unassigned center_worker with an active break-glass grant (out of office hours,
  with a reason and a time limit; `yakuba.consult.actions.terminals`): who (names, contacts), risks
  and the last few notes (`BREAK_GLASS_FIELDS`), on the break-glass page only; ends at the limit.
- NONE: everyone else (the city department sees statistics only, agencies nothing yet): 403.

Every level but NONE needs the request to come from a registered terminal of the user's centre
(`yakuba.consult.terminals.on_terminal`): without one, every case answers NONE and no list has a case.

The masking policy (privacy/policy.toml) still applies on top: a field a level allows is shown only
when the role may see its category; `yakuba.audit.reveal` audits every category shown.
"""

from __future__ import annotations

import enum
from typing import Any, Iterable

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet

from yakuba.accounts.roles import Role
from yakuba.consult.models import BreakGlass, Case, Person, Task
from yakuba.consult.terminals import on_terminal
from yakuba.personal import declaration_for
from yakuba.privacy.declarations import Category


class Level(enum.IntEnum):
    NONE = 0
    EXISTS = 1
    BREAK_GLASS = 2
    SUPERVISOR = 3
    ASSIGNED = 4


#: The categories each level may receive (of the fields a page asks for).
CATEGORIES: dict[Level, frozenset[Category]] = {
    Level.NONE: frozenset(),
    Level.EXISTS: frozenset(),
    Level.BREAK_GLASS: frozenset({Category.NAME, Category.ADDRESS, Category.CONTACT, Category.BIRTH_DATE,
                                  Category.SENSITIVE}),
    Level.SUPERVISOR: frozenset(Category) - {Category.HEALTH},
    Level.ASSIGNED: frozenset(Category),
}

CENTRE_ROLES = (Role.CENTER_WORKER, Role.CENTER_SUPERVISOR)

#: What a break-glass grant shows, per model (the minimal view, phone first): who, contacts, risks, last notes.
BREAK_GLASS_FIELDS: dict[str, tuple[str, ...]] = {
    "Person": ("name", "name_kana", "birth_date", "address", "phone"),
    "Assessment": ("made_at", "risks"),
    "ConsultationRecord": ("at", "method", "said", "next_step"),
}
BREAK_GLASS_LAST_RECORDS = 3


def _in_centre(user: Any, case: Case) -> bool:
    return (getattr(user, "is_authenticated", False) and user.role in CENTRE_ROLES
            and user.organisation_id is not None and user.organisation_id == case.centre_id and on_terminal(user))


def active_break_glass(user: Any, case: Case) -> BreakGlass | None:
    """The user's break-glass grant on this case still within its time limit, if any."""
    from django.utils import timezone

    if getattr(user, "role", None) != Role.CENTER_WORKER:
        return None
    return BreakGlass.objects.filter(case=case, user=user, expires_at__gt=timezone.now()).order_by("-expires_at").first()


def access_case(user: Any, case: Case) -> Level:
    if not _in_centre(user, case):
        return Level.NONE
    if case.workers.filter(pk=user.pk).exists():
        return Level.ASSIGNED
    if case.supervisor_id == user.pk or user.role == Role.CENTER_SUPERVISOR:
        return Level.SUPERVISOR
    if active_break_glass(user, case) is not None:
        return Level.BREAK_GLASS
    return Level.EXISTS


def access_case_by_id(user: Any, pk: int, *, at_least: Level = Level.EXISTS) -> tuple[Case, Level]:
    """The case and the user's level, or 403 (PermissionDenied) below `at_least` — also when there is
    no such case, so that the answer does not tell an outsider which case numbers exist."""
    case = Case.objects.select_related("centre", "supervisor").filter(pk=pk).first()
    level = access_case(user, case) if case is not None else Level.NONE
    if case is None or level < max(at_least, Level.EXISTS):
        raise PermissionDenied("このケースを閲覧する権限がありません。")
    return case, level


def access_person_by_id(user: Any, pk: int) -> tuple[Person, Level, list[tuple[Case, Level]]]:
    """A person, the user's best level over the person's cases (a person is known through a case),
    and each case with its level; 403 unless the user may see the person's details in some case."""
    person = Person.objects.filter(pk=pk).first()
    if person is None:  # as for a person the user may not see: no oracle of which ids exist
        raise PermissionDenied("この相談者を閲覧する権限がありません。")
    cases = [(c, access_case(user, c)) for c in person.cases.select_related("centre").order_by("-opened_on", "-pk")]
    best = max((level for _, level in cases), default=Level.NONE)
    if best < Level.SUPERVISOR:
        raise PermissionDenied("この相談者を閲覧する権限がありません。")
    return person, best, cases


def shown_fields(level: Level, model: type[models.Model], fields: Iterable[str]) -> list[str]:
    """The fields among `fields` this level may receive: undeclared ones always, declared ones by category."""
    allowed = CATEGORIES[level]
    out = []
    for name in fields:
        decl = declaration_for(model, name)
        if decl is None or decl.category in allowed:
            out.append(name)
    return out


def centre_cases(user: Any) -> QuerySet[Case]:
    """The cases whose existence this user may know: its centre's (none for anyone else)."""
    if not getattr(user, "is_authenticated", False) or user.role not in CENTRE_ROLES or not user.organisation_id \
            or not on_terminal(user):
        return Case.objects.none()
    return Case.objects.filter(centre_id=user.organisation_id)


def readable_cases(user: Any) -> QuerySet[Case]:
    """The cases whose details (names, notes) this user may read: assigned, or supervised."""
    cases = centre_cases(user)
    if getattr(user, "role", None) == Role.CENTER_SUPERVISOR:
        return cases
    return cases.filter(Q(workers=user) | Q(supervisor=user)).distinct()


def readable_tasks(user: Any) -> QuerySet[Task]:
    return Task.objects.filter(goal__plan__case__in=readable_cases(user))
