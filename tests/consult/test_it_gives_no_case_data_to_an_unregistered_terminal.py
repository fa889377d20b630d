"""An unregistered browser gets no case data on any consult URL (not even case numbers or names):
every URL of the consult app — also those other families add later — answers the Japanese
「端末の登録が必要です」 page to the centre's roles, GET and POST, and the refusal is audited."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.consult.helpers import case_data, consult_urls, login_without_terminal, world
from yakuba.audit.models import AuditEntry
from yakuba.consult.terminals import HEADER

EXEMPT = {"/consult/terminals/", "/consult/terminal/register/"}


@pytest.mark.django_db
def test_it_works() -> None:
    w = world()
    urls = consult_urls(w)
    assert len(urls) >= 20, urls
    secrets = case_data(w)
    for user in (w.worker, w.other_worker, w.chief):
        client = Client()
        login_without_terminal(client, user)
        for url in urls:
            for method in (client.get, client.post):
                response = method(url)
                body = response.content.decode()
                for secret in secrets:
                    assert secret not in body, (user.username, url, secret)
                if any(url.startswith(e) for e in EXEMPT):
                    continue
                if response.status_code == 403 and response.get("X-Yakuba-Access") == "denied":
                    continue  # a role the view is not for: refused before the terminal check
                assert response.status_code == 403 and response[HEADER] == "required", (user.username, url,
                                                                                       response.status_code)
                assert "端末の登録が必要です" in body and "この端末は登録されていません" in body
    assert AuditEntry.objects.filter(action="consult.terminal.refused", actor_id=w.worker.pk).count() >= len(urls)


@pytest.mark.django_db
def test_the_same_pages_show_the_case_on_a_registered_terminal() -> None:
    """The crawl above is not vacuous: on a registered terminal the assigned worker sees the case."""
    w = world()
    client = Client()
    client.force_login(w.worker)  # tests/consult/conftest.py: on a registered terminal
    body = client.get(f"/consult/cases/{w.case.pk}/").content.decode()
    assert w.case.number in body and "MARKER-SAID-1187" in body


@pytest.mark.django_db
def test_consult_pages_are_not_stored_and_print_nothing() -> None:
    w = world()
    client = Client()
    client.force_login(w.worker)
    response = client.get(f"/consult/cases/{w.case.pk}/")
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "consult/consult.css" in body
    assert "serviceWorker" not in body and "localStorage" not in body
    from django.contrib.staticfiles import finders

    css = open(finders.find("consult/consult.css"), encoding="utf-8").read()
    assert "@media print" in css and "印刷は出力(エクスポート)の手続きで行ってください" in css
    for name in ("yakuba/site.js",):
        js = open(finders.find(name), encoding="utf-8").read()
        assert "localStorage" not in js and "serviceWorker" not in js and "indexedDB" not in js
