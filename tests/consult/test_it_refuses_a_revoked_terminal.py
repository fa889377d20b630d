"""The real path: the センター長 issues a registration on the terminals page (its code shown once),
the device enters the code once and gets a long random HttpOnly, SameSite=Strict cookie; the
secret is kept only as a hash. Once the センター長 revokes the terminal, its cookie gives no case
data (logged to yakuba.security and audited)."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

from tests.consult.helpers import MARKERS, login_without_terminal, world
from yakuba.audit.models import AuditEntry
from yakuba.consult.models import Terminal
from yakuba.consult.terminals import COOKIE, HEADER, digest


def _issue(chief_client: Client, label: str) -> str:
    page = chief_client.post("/consult/terminals/", {"label": label, "days": "30"}).content.decode()
    code = re.search(r'data-testid="terminal-code">([A-Z0-9-]+)<', page)
    assert code, page
    return code.group(1)


@pytest.mark.django_db
def test_it_works(caplog) -> None:  # type: ignore[no-untyped-def]
    w = world()
    chief = Client()
    login_without_terminal(chief, w.chief)  # the first terminal is issued from an unregistered browser
    code = _issue(chief, "夜間当番スマートフォン")
    terminal = Terminal.objects.get(label="夜間当番スマートフォン")
    assert terminal.issued_by == w.chief and terminal.code_hash == digest(code.replace("-", ""))

    device = Client()
    login_without_terminal(device, w.worker)
    assert device.get(f"/consult/cases/{w.case.pk}/")[HEADER] == "required"
    answer = device.post("/consult/terminal/register/", {"code": code.lower()})  # typed as it comes
    assert answer.status_code == 302
    cookie = answer.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    secret = cookie.value.split(".", 1)[1]
    assert len(secret) >= 40
    terminal.refresh_from_db()
    assert terminal.secret_hash == digest(secret) and secret not in str(Terminal.objects.values().get(pk=terminal.pk))
    assert MARKERS["said"] in device.get(f"/consult/cases/{w.case.pk}/").content.decode()

    again = Client()
    login_without_terminal(again, w.other_worker)
    again.post("/consult/terminal/register/", {"code": code})  # the code is used up
    assert COOKIE not in again.cookies or not again.cookies[COOKIE].value

    chief.post(f"/consult/terminals/{terminal.pk}/revoke/")
    terminal.refresh_from_db()
    assert terminal.revoked_at is not None and terminal.revoked_by == w.chief
    with caplog.at_level(logging.WARNING, logger="yakuba.security"):
        refused = device.get(f"/consult/cases/{w.case.pk}/")
    assert refused.status_code == 403 and refused[HEADER] == "required"
    body = refused.content.decode()
    assert "失効" in body and MARKERS["said"] not in body and w.case.number not in body
    assert any("revoked" in r.getMessage() for r in caplog.records if r.name == "yakuba.security")
    entry = AuditEntry.objects.filter(action="consult.terminal.refused", actor_id=w.worker.pk).last()
    assert entry is not None and entry.detail["problem"] == "revoked"
    assert AuditEntry.objects.filter(action="consult.terminal.revoked", actor_id=w.chief.pk).count() == 1
    assert device.get("/consult/cases/").content.decode().count(w.case.number) == 0


@pytest.mark.django_db
def test_only_the_centre_chief_issues_terminals() -> None:
    w = world()
    worker = Client()
    login_without_terminal(worker, w.worker)
    answer = worker.post("/consult/terminals/", {"label": "勝手な端末", "days": "30"})
    assert answer.status_code == 403 and not Terminal.objects.filter(label="勝手な端末").exists()
    chief = Client()
    login_without_terminal(chief, w.chief)
    bad = chief.post("/consult/terminals/", {"label": "x", "days": "9999"}, follow=True).content.decode()
    assert "有効期間" in bad and not Terminal.objects.filter(label="x").exists()
