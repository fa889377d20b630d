"""Read budgets (閲覧量の上限): reading lists page by page is also export.

Each user may see at most so many residents' records an hour, per role (`YAKUBA_READ_BUDGET`,
e.g. ``city_staff=600,vendor_responsible=600,default=300``, read by :func:`budgets` only). What
was read is counted from the audit log's own read entries (``personal.read`` and
``personal.list``: the ``count`` an entry names, else one record), so there is nothing else to keep in step. A reveal that would go
past the budget is refused before anything is shown (:class:`ReadBudgetExceeded`, a 429 page
saying why and whom to ask); the first refusal of the hour is an audit entry
``personal.read_budget_exceeded``, which is the notice the supervisors of the user's organisation
find on 閲覧量の上限を超えた利用者 (``/audit/read-notices/``). The council's 閲覧の多い利用者
(``/audit/readers/``) compares each user's reads in the last hour and day with their usual (the
median of their past 14 days): counts only, never a resident's data.

A list bigger than a budget cannot be read page by page: that is what the export step is for.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.audit.models import AuditEntry
from yakuba.errors import EnvironmentProblem, YakubaError

READ_ACTIONS = ("personal.read", "personal.list")
EXCEEDED = "personal.read_budget_exceeded"
WINDOW = dt.timedelta(hours=1)
USUAL_DAYS = 14
FAR_ABOVE = 3
"""A day's reads this many times the usual (and above one hour's budget) are flagged."""

SUPERVISORS = (Role.CITY_SUPERVISOR, Role.VENDOR_RESPONSIBLE)
DEFAULT_BUDGETS = "city_staff=600,city_supervisor=600,vendor_responsible=600,vendor_operator=1200,default=300"


class ReadBudgetExceeded(YakubaError):
    """This hour's reads of residents' records would go past the user's budget."""

    code = "audit.read_budget"
    default_message = "1時間に閲覧できる個人情報の件数の上限を超えるため、表示しませんでした。"


def budgets() -> dict[str, int]:
    """The budget of each role (and ``default``), from ``YAKUBA_READ_BUDGET``."""
    text = getattr(settings, "YAKUBA_READ_BUDGET", "") or DEFAULT_BUDGETS
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        role, _, number = part.partition("=")
        if not number.strip().isdigit() or int(number) < 1:
            raise EnvironmentProblem(f"YAKUBA_READ_BUDGET: 「{part}」は 役割=1以上の件数 の形ではありません",
                                     where="YAKUBA_READ_BUDGET")
        out[role.strip()] = int(number)
    out.setdefault("default", 300)
    return out


def budget_for(user: Any) -> int:
    table = budgets()
    return table.get(str(getattr(user, "role", "") or ""), table["default"])


def _count(detail: dict[str, Any]) -> int:
    """Records an entry showed: a list names its count, a single read is one."""
    count = detail.get("count", 1)
    return count if isinstance(count, int) and count > 0 else 1


def reads_since(actor_id: int, since: dt.datetime) -> int:
    """The residents' records this user was shown since then, by the audit log."""
    rows = AuditEntry.objects.filter(actor_id=actor_id, at__gte=since, action__in=READ_ACTIONS)
    return sum(_count(d or {}) for d in rows.values_list("detail", flat=True))


def check(request: HttpRequest | None, user: Any, count: int, action: str = "personal.list") -> None:
    """Refuse (and tell the supervisors, once an hour) a reveal of `count` records past the budget.
    Only what a person is shown on a page counts: the export step has its own approval."""
    if request is None or action not in READ_ACTIONS or count <= 0 or not getattr(user, "is_authenticated", False):
        return
    now = timezone.now()
    budget, used = budget_for(user), reads_since(user.pk, now - WINDOW)
    if used + count <= budget:
        return
    if not AuditEntry.objects.filter(actor_id=user.pk, action=EXCEEDED, at__gte=now - WINDOW).exists():
        record(EXCEEDED, request=request, target=user, detail={"budget": budget, "reads": used, "asked": count})
    raise ReadBudgetExceeded(
        f"この1時間に閲覧した個人情報は {used} 件で、上限({budget} 件)を超えるため表示しませんでした。"
        "大量の情報が必要なときは、出力の申請(承認が必要)をしてください。", where=f"user {user.pk}")


def supervisors_of(user: Any) -> list[Any]:
    """Whom a user asks, and whom a refusal tells: the supervisors of the user's organisation."""
    from django.contrib.auth import get_user_model

    org = getattr(user, "organisation", None)
    if org is None:
        return []
    return list(get_user_model().objects.filter(organisation=org, role__in=SUPERVISORS, is_active=True)
                .exclude(pk=user.pk).order_by("username"))


class ReadBudgetMiddleware:
    """A refused read is a 429 page saying why and whom to ask (it comes from deep in a view)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ReadBudgetExceeded):
            return None
        response = render(request, "audit/read_budget.html", {
            "message": exception.one_line(), "supervisors": supervisors_of(request.user),
        }, status=429)
        response["Retry-After"] = str(int(WINDOW.total_seconds()))
        return response


# --------------------------------------------------------------------------- what the screens show


def notices_for(user: Any, days: int = 30) -> list[AuditEntry]:
    """The budget refusals of the supervisor's organisation (the notices), newest first."""
    org = getattr(getattr(user, "organisation", None), "code", "")
    since = timezone.now() - dt.timedelta(days=days)
    return list(AuditEntry.objects.filter(action=EXCEEDED, organisation=org, at__gte=since).order_by("-seq")[:200])


@dataclass(frozen=True)
class Reader:
    user: Any
    hour: int
    day: int
    usual: float
    budget: int
    refused: bool

    @property
    def flagged(self) -> bool:
        return self.refused or self.hour > self.budget or self.day > max(FAR_ABOVE * self.usual, self.budget)


def _daily(at: Iterable[tuple[dt.datetime, int]], now: dt.datetime) -> list[int]:
    days = [0] * USUAL_DAYS
    for when, n in at:
        age = (now - when) // dt.timedelta(days=1)
        if 1 <= age <= USUAL_DAYS:
            days[age - 1] += n
    return days


def unusual_readers(now: dt.datetime | None = None) -> list[Reader]:
    """Each user who read residents' records in the last day, against their usual; flagged first."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    since = now - dt.timedelta(days=USUAL_DAYS + 1)
    per_user: dict[int, list[tuple[dt.datetime, int]]] = {}
    for actor, at, detail in (AuditEntry.objects.filter(at__gte=since, action__in=READ_ACTIONS)
                              .exclude(actor_id=None).values_list("actor_id", "at", "detail")):
        per_user.setdefault(actor, []).append((at, _count(detail or {})))
    refused = set(AuditEntry.objects.filter(action=EXCEEDED, at__gte=now - dt.timedelta(days=1))
                  .values_list("actor_id", flat=True))
    users = get_user_model().objects.select_related("organisation").in_bulk(list(per_user))
    out = []
    for actor, reads in per_user.items():
        day = sum(n for at, n in reads if at >= now - dt.timedelta(days=1))
        if not day or actor not in users:
            continue
        out.append(Reader(user=users[actor], hour=sum(n for at, n in reads if at >= now - WINDOW), day=day,
                          usual=statistics.median(_daily(reads, now)), budget=budget_for(users[actor]),
                          refused=actor in refused))
    return sorted(out, key=lambda r: (not r.flagged, -r.day, r.user.username))
