"""Sessions bound to registered terminals (issue #13 §5): the one check, for every consult view.

`TerminalMiddleware` (settings.MIDDLEWARE, after AccessMiddleware) looks at every request of a
centre role (center_worker, center_supervisor):

- the terminal cookie must name an unrevoked, unexpired `Terminal` of the user's own centre whose
  secret hashes to the stored hash;
- the session is bound to the first terminal it is seen on: a different or missing cookie later in
  the session is refused, logged to ``yakuba.security`` and audited (``consult.terminal.refused``);
- a view of the ``consult`` namespace (every one, also those added later) answers the Japanese
  「端末登録が必要です」 page with no case data unless the terminal is good; only views marked
  `terminal_exempt` (registration, the supervisor's terminals page) are let through.

It also marks the request (``request.consult_terminal``): `on_terminal(user)` — used by
`yakuba.consult.access` for every level and every list of cases — answers False while a request is
served for a centre user without a good terminal, so a case view outside ``/consult/`` gives
nothing either. Outside a request (the demo, a command) it answers True: only code runs there.
Agency and city staff are not centre terminals: left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any, Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from yakuba.accounts.acting import current_request
from yakuba.accounts.roles import Role

logger = logging.getLogger("yakuba.security")

COOKIE = "yakuba_terminal"
SESSION_KEY = "consult_terminal"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off one screen, typed on another
CODE_LENGTH = 12
CODE_VALID = dt.timedelta(minutes=30)
SEEN_EVERY = dt.timedelta(minutes=1)
CENTRE_ROLES = (Role.CENTER_WORKER, Role.CENTER_SUPERVISOR)
EXEMPT = "consult_terminal_exempt"
HEADER = "X-Yakuba-Terminal"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def cookie_value(terminal_pk: int, secret: str) -> str:
    return f"{terminal_pk}.{secret}"


def set_cookie(response: HttpResponse, terminal: Any, secret: str) -> None:
    """The terminal's cookie: HttpOnly, SameSite=Strict, Secure under HTTPS, until the terminal expires."""
    max_age = max(0, int((terminal.expires_at - timezone.now()).total_seconds()))
    response.set_cookie(COOKIE, cookie_value(terminal.pk, secret), max_age=max_age, httponly=True,
                        samesite="Strict", secure=bool(settings.SESSION_COOKIE_SECURE), path="/")


def terminal_exempt(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A consult view that shows no case data and must work before the terminal is registered."""
    setattr(view, EXEMPT, True)
    return view


@dataclass(frozen=True)
class Verdict:
    terminal: Any  # the Terminal, or None
    problem: str  # "" when good; else unregistered / unknown / revoked / expired / other_centre / mismatch / missing


def _from_cookie(raw: str | None, user: Any) -> tuple[Any, str]:
    from yakuba.consult.models import Terminal

    if not raw:
        return None, "unregistered"
    pk, _, secret = raw.partition(".")
    terminal = Terminal.objects.filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 19 else None
    if terminal is None or not terminal.secret_hash or not hmac.compare_digest(terminal.secret_hash, digest(secret)):
        return None, "unknown"
    if terminal.revoked_at is not None:
        return terminal, "revoked"
    if terminal.expires_at <= timezone.now():
        return terminal, "expired"
    if terminal.organisation_id != user.organisation_id:
        return terminal, "other_centre"
    return terminal, ""


def verify(request: HttpRequest) -> Verdict:
    """The terminal this centre user's request comes from, bound to its session, or why not."""
    user = request.user
    terminal, problem = _from_cookie(request.COOKIES.get(COOKIE), user)
    bound = request.session.get(SESSION_KEY)
    if not problem:
        if bound is None:
            request.session[SESSION_KEY] = terminal.pk
        elif bound != terminal.pk:
            problem = "mismatch"
    elif bound is not None and problem == "unregistered":
        problem = "missing"
    if problem:
        return Verdict(None, problem)
    now = timezone.now()
    if terminal.last_seen_at is None or now - terminal.last_seen_at > SEEN_EVERY:
        type(terminal).objects.filter(pk=terminal.pk).update(last_seen_at=now)
    return Verdict(terminal, "")


PROBLEMS = {
    "unregistered": "この端末は登録されていません。",
    "unknown": "この端末の登録は確認できません(登録鍵が正しくありません)。",
    "revoked": "この端末の登録は失効しています。",
    "expired": "この端末の登録は有効期限が切れています。",
    "other_centre": "この端末は別のセンターの端末として登録されています。",
    "mismatch": "ログインした端末と異なる端末からの操作です。",
    "missing": "ログインした端末の登録鍵が送られていません。",
}


def _refused(request: HttpRequest, verdict: Verdict) -> None:
    from yakuba.audit.log import record

    user = request.user
    if verdict.problem != "unregistered":  # the others are a cookie that stopped being good, or a forged one
        logger.warning("consult terminal refused (%s) for user %s at %s", verdict.problem, user.pk, request.path)
    record("consult.terminal.refused", request=request, target_type="consult.terminal",
           target_id=request.session.get(SESSION_KEY) or "", detail={"problem": verdict.problem, "path": request.path[:200]})


def required_page(request: HttpRequest, problem: str) -> HttpResponse:
    response = render(request, "consult/terminals_required.html",
                      {"problem": PROBLEMS.get(problem, PROBLEMS["unregistered"])}, status=403)
    response[HEADER] = "required"
    return response


def on_terminal(user: Any) -> bool:
    """False while a request is served for a centre user not on a good terminal of its centre."""
    request = current_request()
    if request is None:
        return True
    if getattr(user, "role", None) not in CENTRE_ROLES:
        return True
    terminal = getattr(request, "consult_terminal", None)  # never set: the middleware is missing → closed
    return terminal is not None and getattr(request, "user", None) is not None and request.user.pk == user.pk \
        and terminal.organisation_id == user.organisation_id


def current_terminal() -> Any:
    request = current_request()
    return getattr(request, "consult_terminal", None) if request is not None else None


class TerminalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.role not in CENTRE_ROLES:
            return None
        verdict = verify(request)
        request.consult_terminal = verdict.terminal  # type: ignore[attr-defined]
        match = request.resolver_match
        in_consult = (match is not None and "consult" in match.namespaces) or request.path.startswith("/consult/")
        if verdict.terminal is not None:
            return None
        if verdict.problem != "unregistered" or in_consult:
            _refused(request, verdict)
        if in_consult and not getattr(view_func, EXEMPT, False):
            return required_page(request, verdict.problem)
        return None
