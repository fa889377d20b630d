"""Deny by default (既定で拒否): every view declares who may use it.

    @allow(Role.CITY_STAFF, Role.CITY_SUPERVISOR, menu="申請の一覧")
    def application_list(request): ...

    @public
    def healthz(request): ...

`AccessMiddleware` refuses a view with no declaration (and logs it), sends anonymous users to the
login page and answers 403 to a role the rule does not name. The rule sits on the view function,
so the URL × role test can read it back and check the answers against its own table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Callable, Iterable, Iterator

from django.contrib.auth.views import redirect_to_login
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import gettext

from yakuba.accounts.acting import done, serving
from yakuba.accounts.actions.factor import needs_verification

logger = logging.getLogger("yakuba.access")

#: Sent when a signed-in user asks for a view their role may not use (``request``, ``view``): the
#: audit app records it (``access.denied``), as it records logins — accounts sits below audit.
access_denied = Signal()

ATTRIBUTE = "yakuba_access"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    public: bool = False
    menu: str | None = None
    section: str | None = None
    order: int = 100
    departments: frozenset[str] = field(default_factory=frozenset)
    #: usable before the second factor is given (the code page itself, logout)
    before_factor: bool = False

    def admits(self, user: Any) -> bool:
        if self.public:
            return True
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if user.role not in self.roles:
            return False
        if self.departments:
            org = getattr(user, "organisation", None)
            return org is not None and org.code in self.departments
        return True


PUBLIC = Rule(roles=frozenset(), public=True)


def allow(
    *roles: str,
    menu: str | None = None,
    section: str | None = None,
    order: int = 100,
    departments: Iterable[str] = (),
    before_factor: bool = False,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Declare the roles (and optionally the departments) that may use a view."""
    if not roles:
        raise ValueError("allow() needs at least one role; use @public for a public view")
    rule = Rule(frozenset(str(r) for r in roles), menu=menu, section=section, order=order,
                departments=frozenset(departments), before_factor=before_factor)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        setattr(view, ATTRIBUTE, rule)
        return view

    return decorate


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    setattr(view, ATTRIBUTE, PUBLIC)
    return view


def rule_of(view: Callable[..., Any]) -> Rule | None:
    rule = getattr(view, ATTRIBUTE, None)
    if rule is None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, ATTRIBUTE, None)
    return rule


def restrict(patterns: Any, rule_or_view: Rule | Callable[..., Any]) -> Any:
    """Wrap every view of an included URL list (Django's admin) with one rule."""
    rule = rule_or_view if isinstance(rule_or_view, Rule) else rule_of(rule_or_view)
    assert rule is not None
    urlconf, app_name, namespace = patterns

    def wrap(items: list[Any]) -> list[Any]:
        out: list[Any] = []
        for item in items:
            if isinstance(item, URLResolver):
                item.url_patterns[:] = wrap(list(item.url_patterns))  # type: ignore[index]
                out.append(item)
            else:
                callback = item.callback

                @wraps(callback)
                def guarded(*args: Any, __callback: Any = callback, **kwargs: Any) -> Any:
                    return __callback(*args, **kwargs)

                setattr(guarded, ATTRIBUTE, rule)
                item.callback = guarded
                out.append(item)
        return out

    return wrap(list(urlconf)), app_name, namespace


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = serving(request)  # the model's hooks audit who changed a user (yakuba.accounts.grants)
        try:
            return self.get_response(request)
        finally:
            done(token)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any) -> HttpResponse | None:
        rule = rule_of(view_func)
        if rule is None:
            logger.error("view without an access rule refused: %s", request.path)
            return denied(request, gettext("この画面には利用権限の定めがないため、表示できません。"))
        if rule.public:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not rule.before_factor and needs_verification(user):
            # signed in with the password only: every page waits for the second factor's code
            return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:factor"))
        if rule.admits(user):
            return None
        access_denied.send(sender=AccessMiddleware, request=request,
                           view=request.resolver_match.view_name if request.resolver_match else "")
        return denied(request, gettext("この画面を利用する権限がありません。"))


DENIED_HEADER = "X-Yakuba-Access"


def denied(request: HttpRequest, message: str) -> HttpResponse:
    """The 403 of the access rules, marked so tests tell it from a view's own 403."""
    response = render(request, "403.html", {"exception": message}, status=403)
    response[DENIED_HEADER] = "denied"
    return response


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    rule: Rule | None
    callback: Callable[..., Any]
    takes_arguments: bool


def routes(patterns: list[Any] | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every URL pattern of the site with its rule, for the home menu and the access test."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for item in patterns:
        if isinstance(item, URLResolver):
            ns = item.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from routes(item.url_patterns, prefix + str(item.pattern), full_ns)
        elif isinstance(item, URLPattern):
            name = f"{namespace}:{item.name}" if namespace and item.name else (item.name or "")
            pattern = prefix + str(item.pattern)
            yield Route(name, pattern, rule_of(item.callback), item.callback,
                        bool(item.pattern.regex.groupindex) or "(" in pattern)


def menu_for(user: Any) -> list[tuple[str, list[Route]]]:
    """The home page menu: what this user's role may do, grouped by section."""
    sections: dict[str, list[Route]] = {}
    for route in routes():
        if route.rule and route.rule.menu and not route.takes_arguments and route.rule.admits(user):
            sections.setdefault(route.rule.section or "", []).append(route)
    return [(s, sorted(r, key=lambda x: (x.rule.order, x.name))) for s, r in sections.items()]  # type: ignore[union-attr]
