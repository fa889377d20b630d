"""In the demo city, every role posts every form it is shown — empty, with one field at a time made
hostile, and with hostile values in every field (a null byte, 5,000 digits, a date that does not exist, markup,
full-width digits, a negative number) — and posts to every page it can open, forms or not. No
answer is a server error (500) or shows a traceback: each is the page again with a message, a
refusal (400/403/404/405/429) or a redirect."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.audit.test_it_names_every_category_a_page_showed import HREF, _view_name, enqueue, start_pages
from yakuba.accounts.models import User
from yakuba.demo import LOGINS, setup_demo

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
HOSTILE = ["\x00", "9" * 5000, "-1", "2024-13-45", "<script>alert(1)</script>", "１２３", "令和99年99月99日", "nan"]
PER_VIEW = 1


def _forms(body: str, url: str) -> list[tuple[str, dict[str, str]]]:
    forms = []
    for attrs, inner in FORM.findall(body):
        a = dict(ATTR.findall(attrs))
        if a.get("method", "get").lower() != "post":
            continue
        action = html.unescape(a.get("action") or urlsplit(url).path)
        fields: dict[str, str] = {}
        for _, field_attrs in FIELD.findall(inner):
            f = dict(ATTR.findall(field_attrs))
            if f.get("name") and f.get("type") != "file":
                fields[f["name"]] = html.unescape(f.get("value", ""))
        forms.append((action, fields))
    return forms


def _ok(response) -> bool:  # type: ignore[no-untyped-def]
    body = response.content[:200_000].decode("utf-8", "replace") if response.get("Content-Type", "").startswith(
        "text/") else ""
    return response.status_code < 500 and "Traceback" not in body


def _walk(client: Client, user: User, forms_posted: set[str]) -> list[str]:
    queue = start_pages(user)
    seen, per_view, failures = set(queue), defaultdict(int), []
    posted: set[str] = set()
    while queue:
        url = queue.popleft()
        response = client.get(url)
        if not _ok(response):
            failures.append(f"{user.username} GET {url} → {response.status_code}")
            continue
        links = [response["Location"]] if response.status_code in (301, 302) else []
        if response.get("Content-Type", "").startswith("text/html"):
            body = response.content.decode()
            links += [html.unescape(u) for u in HREF.findall(body)]
            for action, fields in _forms(body, url):
                if _view_name(action) is None or action in posted:
                    continue
                posted.add(action)
                forms_posted.add(_view_name(action) or action)
                tries = [{}, *({**fields, name: bad} for name, bad in zip(fields, HOSTILE * len(fields)))]
                tries += [{k: bad for k in fields} for bad in HOSTILE]
                for data in tries:
                    answer = client.post(action, data)
                    if not _ok(answer):
                        failures.append(f"{user.username} POST {action} {sorted(data)[:4]}={str(data)[:60]} "
                                        f"→ {answer.status_code}")
        if url not in posted:  # a page that takes no form, posted anyway
            posted.add(url)
            answer = client.post(url, {"x": "1"})
            if not _ok(answer):
                failures.append(f"{user.username} POST {url} (no form) → {answer.status_code}")
        enqueue(links, queue, seen, per_view, PER_VIEW)
    return failures


@pytest.mark.django_db
def test_it_works(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_READ_BUDGET = "default=1000000"
    monkeypatch.setenv("YAKUBA_DEMO_APPLICANTS", "40")  # every kind of page and form, at a tenth of the letters
    cookies = {x["username"]: x.get("terminal_cookie") for x in setup_demo()}  # the centre's registered terminals
    failures: list[str] = []
    forms_posted: set[str] = set()
    for _, _, username in LOGINS:
        user = User.objects.get(username=username)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        if cookies.get(username):
            client.cookies[cookies[username]["name"]] = cookies[username]["value"]
        failures += _walk(client, user, forms_posted)
    assert failures == [], "\n".join(failures[:40])
    assert len(forms_posted) >= 20, sorted(forms_posted)
    for must in ("admission:round_compute", "admission:round_notices", "debit:run_create", "intake:verify",
                 "exports:decide", "accounts:devices"):  # the forms were reached
        assert must in forms_posted, sorted(forms_posted)
