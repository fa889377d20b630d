"""Every answer of the site carries the Content-Security-Policy (self only, no inline script,
no framing) and `Cache-Control: no-store`, whoever asks and whatever the status; static files
keep their caching."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.access import routes
from yakuba.accounts.roles import Role

REQUIRED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _url(pattern: str) -> str:
    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", "1", pattern)
    return re.sub(r"[\^\$]|\(\?P<\w+>[^)]*\)", "1", url).replace("\\", "")


def policy(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    header = response.get("Content-Security-Policy", "")
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.CITY_STAFF, Role.VENDOR_RESPONSIBLE, "anonymous"])
def test_it_works(role: str) -> None:
    client = Client()
    user = None if role == "anonymous" else factories.user(role)
    wrong = []
    urls = [_url(r.pattern) for r in routes() if "logout" not in r.pattern] + ["/login/", "/no/such/page/"]
    for url in urls:
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        got = policy(response)
        missing = {k: v for k, v in REQUIRED.items() if got.get(k) != v}
        if missing or "unsafe-inline" in response.get("Content-Security-Policy", "") \
                or response.get("Cache-Control") != "no-store":
            wrong.append(f"{url} → {response.status_code}: csp {got}, cache {response.get('Cache-Control')}")
    assert wrong == []


@pytest.mark.django_db
def test_it_lets_static_files_be_cached() -> None:
    response = Client().get("/static/yakuba/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")

