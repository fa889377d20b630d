"""Terminals (issue, register, revoke) and break-glass (open, review): check_* validates, do_* changes
and records one audit entry.

The registration code and the terminal's secret are returned once and stored only as hashes.
Break-glass is refused in office hours (the city profile's ``[calendar]``); its time limit is at
most ``YAKUBA_BREAK_GLASS_MAX_MIN`` minutes; the review is on the next working day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.consult import terminals as core
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import BreakGlass, Case, Incident, Terminal
from yakuba.officehours import Calendar, is_office_hours, next_working_day
from yakuba.site.config import env_int

__all__ = ["check_issue", "do_issue", "do_register", "do_revoke", "check_break_glass", "do_break_glass",
           "do_confirm", "do_raise_incident", "break_glass_max_minutes", "calendar"]

TERMINAL_DAYS_MAX = 730
IN_OFFICE_HOURS = "勤務時間内はセンター長または担当者に依頼してください。"


def break_glass_max_minutes() -> int:
    """The longest break-glass grant: ``YAKUBA_BREAK_GLASS_MAX_MIN`` (default 120 minutes)."""
    return env_int("YAKUBA_BREAK_GLASS_MAX_MIN", 120)


def calendar() -> Calendar:
    from yakuba.cityprofile.load import current

    return current().calendar


# --- terminals ----------------------------------------------------------------------------------


def check_issue(user: Any) -> None:
    if getattr(user, "role", None) != Role.CENTER_SUPERVISOR or not user.organisation_id:
        raise ConsultError("端末の登録はセンター長だけが発行できます。")


def do_issue(user: Any, *, label: str, days: int = 365, request: Any = None) -> tuple[Terminal, str]:
    """A new registration for the supervisor's centre and its one-time code (shown once)."""
    check_issue(user)
    label = (label or "").strip()
    if not label:
        raise ConsultError("端末名を入力してください。")
    if not 1 <= days <= TERMINAL_DAYS_MAX:
        raise ConsultError(f"有効期間は 1〜{TERMINAL_DAYS_MAX} 日で指定してください。")
    now = timezone.now()
    for _ in range(5):  # a code collision (32^12) is astronomically rare; never reuse one
        code = core.new_code()
        try:
            with transaction.atomic():
                terminal = Terminal.objects.create(
                    organisation_id=user.organisation_id, label=label[:80], issued_by=user, issued_at=now,
                    code_hash=core.digest(code), code_expires_at=now + core.CODE_VALID,
                    expires_at=now + dt.timedelta(days=days))
                record("consult.terminal.issued", request=request, actor=user, target=terminal,
                       detail={"days": days})
            return terminal, code
        except IntegrityError:
            continue
    raise ConsultError("登録コードを発行できませんでした。もう一度お試しください。")


def do_register(user: Any, code: str, *, request: Any = None) -> tuple[Terminal, str]:
    """The device presents its code once: the terminal and the cookie's secret (only its hash is kept)."""
    if getattr(user, "role", None) not in core.CENTRE_ROLES or not user.organisation_id:
        raise ConsultError("端末の登録はセンターの職員だけが行えます。")
    normal = core.normalise_code(code or "")
    refused = ConsultError("登録コードが正しくないか、使用済みまたは期限切れです。センター長に再発行を依頼してください。")
    if len(normal) != core.CODE_LENGTH:
        raise refused
    now = timezone.now()
    with transaction.atomic():
        terminal = Terminal.objects.select_for_update().filter(code_hash=core.digest(normal)).first()
        if (terminal is None or terminal.organisation_id != user.organisation_id or terminal.registered_at is not None
                or terminal.revoked_at is not None or terminal.code_expires_at <= now or terminal.expires_at <= now):
            record("consult.terminal.register_refused", request=request, actor=user,
                   detail={"terminal": terminal.pk if terminal else None})
            raise refused
        secret = core.new_secret()
        terminal.secret_hash = core.digest(secret)
        terminal.registered_at = terminal.last_seen_at = now
        terminal.save(update_fields=["secret_hash", "registered_at", "last_seen_at"])
        record("consult.terminal.registered", request=request, actor=user, target=terminal)
    return terminal, secret


def do_revoke(user: Any, terminal_id: int, *, request: Any = None) -> Terminal:
    check_issue(user)
    with transaction.atomic():
        terminal = Terminal.objects.select_for_update().filter(pk=terminal_id, organisation_id=user.organisation_id).first()
        if terminal is None:
            raise ConsultError("この端末は見つかりません。")
        if terminal.revoked_at is not None:
            raise ConsultError(f"端末「{terminal.label}」はすでに失効しています。")
        terminal.revoked_at, terminal.revoked_by = timezone.now(), user
        terminal.save(update_fields=["revoked_at", "revoked_by"])
        record("consult.terminal.revoked", request=request, actor=user, target=terminal)
    return terminal


# --- break-glass --------------------------------------------------------------------------------


def check_break_glass(user: Any, case: Case, *, reason: str, minutes: int, now: dt.datetime | None = None,
                      cal: Calendar | None = None) -> None:
    from yakuba.consult.access import Level, access_case

    now = now or timezone.now()
    if getattr(user, "role", None) != Role.CENTER_WORKER:
        raise ConsultError("緊急時の閲覧は相談支援員だけが行えます。")
    level = access_case(user, case)
    if level < Level.EXISTS:
        raise ConsultError("このケースを閲覧する権限がありません。")
    if level >= Level.SUPERVISOR:
        raise ConsultError("担当のケースです。緊急時の閲覧なしに閲覧できます。")
    if is_office_hours(now, cal or calendar(), timezone.get_current_timezone()):
        raise ConsultError(IN_OFFICE_HOURS)
    if not (reason or "").strip():
        raise ConsultError("緊急時の閲覧には理由が必要です。")
    limit = break_glass_max_minutes()
    if not 1 <= minutes <= limit:
        raise ConsultError(f"閲覧の時間は 1〜{limit} 分で指定してください。")


def do_break_glass(user: Any, case: Case, *, reason: str, minutes: int, terminal: Any = None,
                   now: dt.datetime | None = None, cal: Calendar | None = None, request: Any = None) -> BreakGlass:
    now = now or timezone.now()
    cal = cal or calendar()
    check_break_glass(user, case, reason=reason, minutes=minutes, now=now, cal=cal)
    with transaction.atomic():
        grant = BreakGlass.objects.create(
            case=case, user=user, terminal=terminal, reason=reason.strip(), opened_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
            review_on=next_working_day(timezone.localtime(now).date(), cal))
        record("consult.break_glass.opened", request=request, actor=user, target=case,
               detail={"break_glass": grant.pk, "minutes": minutes, "terminal": getattr(terminal, "pk", None)})
    return grant


def _review(user: Any, grant_id: int) -> BreakGlass:
    if getattr(user, "role", None) != Role.CENTER_SUPERVISOR:
        raise ConsultError("緊急時の閲覧の確認はセンター長だけが行えます。")
    grant = BreakGlass.objects.select_for_update().select_related("case").filter(
        pk=grant_id, case__centre_id=user.organisation_id).first()
    if grant is None:
        raise ConsultError("この緊急時の閲覧は見つかりません。")
    if grant.outcome != BreakGlass.Outcome.PENDING:
        raise ConsultError("この緊急時の閲覧はすでに確認されています。")
    if grant.user_id == user.pk:
        raise ConsultError("自分の閲覧は自分で確認できません。")
    return grant


def do_confirm(user: Any, grant_id: int, *, request: Any = None) -> BreakGlass:
    with transaction.atomic():
        grant = _review(user, grant_id)
        grant.outcome, grant.reviewed_by, grant.reviewed_at = BreakGlass.Outcome.CONFIRMED, user, timezone.now()
        grant.save(update_fields=["outcome", "reviewed_by", "reviewed_at"])
        record("consult.break_glass.confirmed", request=request, actor=user, target=grant.case,
               detail={"break_glass": grant.pk})
    return grant


def do_raise_incident(user: Any, grant_id: int, *, note: str, request: Any = None) -> Incident:
    if not (note or "").strip():
        raise ConsultError("インシデントとして報告するには所見を入力してください。")
    with transaction.atomic():
        grant = _review(user, grant_id)
        grant.outcome, grant.reviewed_by, grant.reviewed_at = BreakGlass.Outcome.INCIDENT, user, timezone.now()
        grant.save(update_fields=["outcome", "reviewed_by", "reviewed_at"])
        incident = Incident.objects.create(break_glass=grant, note=note.strip(), raised_by=user)
        record("consult.break_glass.incident", request=request, actor=user, target=grant.case,
               detail={"break_glass": grant.pk, "incident": incident.pk})
    return incident
