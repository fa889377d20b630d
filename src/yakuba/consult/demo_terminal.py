"""The demo centre's registered terminals and a break-glass night call waiting for review.

- `terminal_cookies(users, saved)`: each centre login (worker, worker2, center-chief) on a terminal of
  its own, issued by the センター長 and registered with its one-time code (the real path); a cookie
  kept from an earlier run (demo-logins.json) is kept while it is still good, as passwords are.
- `run(worker2, chief)`: last night at 22:40, worker2 (not assigned) opened a case with break-glass
  for 30 minutes and saw its minimal view; the review waits for the センター長.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from django.utils import timezone

from yakuba.officehours import Calendar, is_office_hours

LABELS = {"worker": "夜間当番スマートフォン1", "worker2": "夜間当番スマートフォン2", "center-chief": "センター長席のパソコン"}


def _still_good(user: Any, cookie: Mapping[str, str] | None) -> bool:
    from yakuba.consult import terminals as core

    if not cookie or cookie.get("name") != core.COOKIE:
        return False
    terminal, problem = core._from_cookie(cookie.get("value"), user)
    return terminal is not None and not problem


def terminal_cookies(users: Mapping[str, Any], saved: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """username → {"name", "value"} of its terminal's cookie, for every centre login in `users`."""
    from yakuba.accounts.roles import Role
    from yakuba.consult import terminals as core
    from yakuba.consult.actions.terminals import do_issue, do_register

    chief = next((u for u in users.values() if u.role == Role.CENTER_SUPERVISOR), None)
    out: dict[str, dict[str, str]] = {}
    for username, user in users.items():
        if user.role not in core.CENTRE_ROLES or chief is None or chief.organisation_id != user.organisation_id:
            continue
        if _still_good(user, saved.get(username)):
            out[username] = dict(saved[username])
            continue
        terminal, code = do_issue(chief, label=LABELS.get(username, f"{username} の端末"), days=365)
        terminal, secret = do_register(user, code)
        out[username] = {"name": core.COOKIE, "value": core.cookie_value(terminal.pk, secret)}
    return out


def _last_night(now: dt.datetime, cal: Calendar) -> dt.datetime:
    """22:40 of the latest evening before now that is out of office hours (every evening is)."""
    local = timezone.localtime(now)
    at = local.replace(hour=22, minute=40, second=0, microsecond=0)
    if at > local - dt.timedelta(minutes=40):
        at -= dt.timedelta(days=1)
    assert not is_office_hours(at, cal)
    return at


def run(worker2: Any, chief: Any, progress: Any = lambda m: None) -> None:
    from yakuba.consult.access import Level, access_case
    from yakuba.consult.actions.terminals import calendar, do_break_glass
    from yakuba.consult.models import BreakGlass, Case, Terminal
    from yakuba.consult.views.terminals import minimal_view

    if BreakGlass.objects.filter(case__centre_id=worker2.organisation_id).exists():
        return
    case = next((c for c in Case.objects.filter(centre_id=worker2.organisation_id).exclude(status=Case.Status.CLOSED)
                 .order_by("pk") if access_case(worker2, c) == Level.EXISTS and c.records.exists()), None)
    if case is None:
        return
    progress("基幹福祉相談センターのデモ: 夜間の緊急時の閲覧(確認待ち)を用意しています")
    cal = calendar()
    at = _last_night(timezone.now(), cal)
    terminal = Terminal.objects.filter(organisation_id=worker2.organisation_id, label=LABELS["worker2"],
                                       revoked_at__isnull=True).order_by("-pk").first()
    grant = do_break_glass(worker2, case, reason="夜間に本人の家族から電話。本人が帰宅せず連絡が取れないとのこと。"
                                                 "緊急連絡先とリスクを確認するため。",
                           minutes=30, terminal=terminal, now=at, cal=cal)
    minimal_view(None, worker2, grant)  # what worker2 saw, audited as the page audits it
