"""The council's screens: the members' dashboard (read-only counts from the audit log)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role

MEMBERS = (Role.COUNCIL_MEMBER, Role.ADMIN)


def _day(text: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text or ""))
    except ValueError:
        return default


@allow(*MEMBERS, menu=_("審議会: 点検の概要"), section=_("点検"), order=5)
def dashboard(request: HttpRequest) -> HttpResponse:
    from yakuba.council.dashboard import build

    today = timezone.localdate()
    until = _day(request.GET.get("until"), today)
    since = _day(request.GET.get("since"), until - dt.timedelta(days=30))
    if since > until:
        since, until = until, since
    return render(request, "council/dashboard.html", {"d": build(since, until)})
