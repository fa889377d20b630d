"""Acceptance: the audit entry names what the page showed (issue #12 §3).

In the demo city, every role opens every page it may reach (the site's routes without arguments,
then every page linked from them or redirected to, with the demo's real ids). For each response,
the declared personal values it contains — each declared field of each model, the demo's rows'
non-empty values as a page renders them (dates in 西暦 and 和暦, numbers with and without
separators) — give categories; the audit entries written by that request must name each of them.

Downloads (PDF, CSV, images) are left to the export step's own tests; the admin screens to the
administrator's (they show no resident data at all).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict, deque
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from yakuba.accounts.access import routes
from yakuba.accounts.models import User
from yakuba.audit.models import AuditEntry
from yakuba.demo import LOGINS, setup_demo
from yakuba.personal import declared_fields
from yakuba.wareki import to_wareki

PER_VIEW = 6
"""Pages opened per view and role: enough to see every kind, few enough to be quick."""

SKIP_PREFIXES = ("/admin/", "/logout/", "/login/", "/i18n/", "/static/", "/healthz")
MIN_LENGTH = 3
"""Shorter values (a class, a flag) say nothing of whom they belong to."""

COMMON = 25
"""A value more rows than this share is a label (就労, 普通), not someone's data."""


def _renderings(value: object) -> set[str]:
    if value in (None, "", [], {}):
        return set()
    if isinstance(value, bool):
        return set()
    if isinstance(value, dt.date):
        days = {value.date(), timezone.localtime(value).date()} if isinstance(value, dt.datetime) else {value}
        return {r for d in days for r in (d.isoformat(), f"{d.year}年{d.month}月{d.day}日", f"{d:%Y/%m/%d}", to_wareki(d))}
    if isinstance(value, int):
        return {str(value), f"{value:,}"} if value >= 1000 else set()
    if isinstance(value, dict):
        return set().union(*(_renderings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_renderings(v) for v in value))
    text = str(value).strip()
    return {text} if len(text) >= MIN_LENGTH else set()


def _form_value_categories() -> dict[str, str]:
    from yakuba.intake.fields import by_id

    return {fid: f.category.value for fid, f in by_id().items()}


def declared_values() -> dict[str, set[str]]:
    """Every rendered declared value of the demo → the categories it belongs to."""
    from django.apps import apps

    rows_of: dict[str, set[tuple[str, object]]] = defaultdict(set)
    form_categories = _form_value_categories()
    values: dict[str, set[str]] = defaultdict(set)
    for f in declared_fields():
        model = apps.get_model(f.app_label, f.model)
        category = f.declaration.category.value
        per_row = "category" in {x.name for x in model._meta.get_fields()} and f.field in ("value", "ocr_value")
        columns = ["pk", f.field] + (["category"] if per_row else [])
        for row in model.objects.values_list(*columns):
            pk, value = row[0], row[1]
            if f.field == "values" and isinstance(value, dict):  # the form's fields, each its own category
                for fid, v in value.items():
                    for text in _renderings(v):
                        values[text].add(form_categories.get(fid, category))
                        rows_of[text].add((f.label, pk))
                continue
            for text in _renderings(value):
                values[text].add(row[2] if per_row and row[2] else category)
                rows_of[text].add((f.label, pk))
    public = public_values()
    return {text: cats for text, cats in values.items() if len(rows_of[text]) <= COMMON and text not in public}


def public_values() -> set[str]:
    """What undeclared fields hold (ids, amounts, dates of bills, facility codes; a date-time as its UTC and
    its local day) and every field's choice codes: a value that is also one of these says nothing of whom a
    page shows, so it is not counted."""
    from django.apps import apps

    out: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label in ("audit", "sessions", "contenttypes", "auth", "admin"):
            continue
        declared = set(getattr(model, "PERSONAL_DATA", {}) or {})
        for f in model._meta.concrete_fields:  # a choice's code (male, guidance) is vocabulary: forms list them all
            out |= {str(code) for code, _label in (f.choices or []) if not isinstance(_label, (list, tuple))}
        names = [f.attname for f in model._meta.concrete_fields if f.name not in declared]
        for row in model.objects.values_list(*names):
            for value in row:
                out |= _renderings(value)
    return out


class Finder:
    """Which of many values occur in a text, by the first three characters (an index, not a scan per value)."""

    def __init__(self, values: dict[str, set[str]]) -> None:
        self.values = values
        self.index: dict[str, list[str]] = defaultdict(list)
        for text in values:
            self.index[text[:MIN_LENGTH]].append(text)

    def found(self, body: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for i in range(len(body) - MIN_LENGTH + 1):
            for text in self.index.get(body[i:i + MIN_LENGTH], ()):
                if body.startswith(text, i) and _bounded(body, i, i + len(text)):
                    out[text] = self.values[text]
        return out


def _alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _bounded(body: str, start: int, end: int) -> bool:
    """A number or code counts only as a whole (1234567 is not inside a token or a longer number)."""
    if _alnum(body[start]) and start > 0 and _alnum(body[start - 1]):
        return False
    return not (_alnum(body[end - 1]) and end < len(body) and _alnum(body[end]))


HREF = re.compile(r"""(?:href|hx-get)="(/[^"#]*)\"""")


def _view_name(url: str) -> str | None:
    path = urlsplit(url).path
    if path.startswith(SKIP_PREFIXES):
        return None
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _visible_text(body: str) -> str:
    return html.unescape(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body))


def start_pages(user: User) -> deque[str]:
    """The site's pages without arguments that `user` may open: where a crawl starts."""
    start = [("/" + r.pattern) for r in routes()
             if r.rule and not r.rule.public and not r.takes_arguments and r.rule.admits(user)]
    return deque(u for u in start if _view_name(u))


def enqueue(links: list[str], queue: deque[str], seen: set[str], per_view: dict[str, int], limit: int) -> None:
    """Add the site's links not seen yet to `queue`, at most `limit` pages per view."""
    for link in links:
        name = _view_name(link)
        if name is None or link in seen or per_view[name] >= limit:
            continue
        seen.add(link)
        per_view[name] += 1
        queue.append(link)


def crawl(client: Client, user: User, finder: Finder) -> tuple[list[str], list[str]]:
    """Open every reachable page; the pages seen and the failures (page: categories missing)."""
    queue = start_pages(user)
    seen: set[str] = set(queue)
    per_view: dict[str, int] = defaultdict(int)
    opened, failures = [], []
    while queue:
        url = queue.popleft()
        before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        response = client.get(url)
        recorded: set[str] = set()
        for cats in AuditEntry.objects.filter(seq__gt=before, actor_id=user.pk).values_list("categories", flat=True):
            recorded |= set(cats)
        links: list[str] = []
        if response.status_code in (301, 302):
            links.append(response["Location"])
        elif response.get("Content-Type", "").startswith("text/html"):
            opened.append(url)
            body = response.content.decode()
            shown = finder.found(_visible_text(body))
            missing: dict[str, list[str]] = defaultdict(list)
            for text, cats in shown.items():
                if not cats & recorded:
                    for c in cats:
                        missing[c].append(text)
            if missing:
                failures.append(f"{user.username} {url}: shows {dict((c, v[:2]) for c, v in missing.items())} "
                                f"but the audit entries name {sorted(recorded)}")
            links += [html.unescape(u) for u in HREF.findall(body)]
        enqueue(links, queue, seen, per_view, PER_VIEW)
    return opened, failures


@pytest.mark.django_db
def test_it_names_every_category_a_page_showed(settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_READ_BUDGET = "default=1000000"  # every page opened, not stopped by the read budget
    cookies = {x["username"]: x.get("terminal_cookie") for x in setup_demo()}  # the centre's registered terminals
    finder = Finder(declared_values())
    assert len(finder.values) > 1000
    all_failures, all_opened = [], []
    for _, _, username in LOGINS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        if cookies.get(username):
            client.cookies[cookies[username]["name"]] = cookies[username]["value"]
        opened, failures = crawl(client, user, finder)
        all_opened += opened
        all_failures += failures
    kinds = {_view_name(u) for u in all_opened}
    for must in ("intake:detail", "intake:page", "intake:batch", "intake:verify", "admission:application",
                 "admission:child", "admission:round", "debit:customer", "debit:run", "debit:notices",
                 "consult:queue", "consult:case", "consult:person", "consult:cases", "consult:statistics"):
        assert must in kinds, (must, sorted(k for k in kinds if k))
    assert all_failures == [], "\n".join(all_failures)
