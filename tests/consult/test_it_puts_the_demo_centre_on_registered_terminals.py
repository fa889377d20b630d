"""The demo centre's logins are on registered terminals: a `terminal_cookie` (name, value) each,
kept across reruns while still good, that lets a scripted client act as that terminal; and a
break-glass night call waits for the センター長's review."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.consult.helpers import MARKERS, world
from yakuba.consult.demo_terminal import run, terminal_cookies
from yakuba.consult.models import BreakGlass, Terminal
from yakuba.consult.terminals import COOKIE


@pytest.mark.django_db
def test_it_works() -> None:
    w = world()
    users = {"worker": w.worker, "worker2": w.other_worker, "center-chief": w.chief}
    cookies = terminal_cookies(users, {})
    assert set(cookies) == set(users) and all(c["name"] == COOKIE for c in cookies.values())
    assert Terminal.objects.filter(issued_by=w.chief, registered_at__isnull=False).count() == 3
    assert terminal_cookies(users, cookies) == cookies  # a rerun keeps them
    assert Terminal.objects.count() == 3
    client = Client()
    client.without_terminal = True  # only what the logins file gives
    client.force_login(w.worker)
    client.cookies[cookies["worker"]["name"]] = cookies["worker"]["value"]
    assert MARKERS["said"] in client.get(f"/consult/cases/{w.case.pk}/").content.decode()
    Terminal.objects.update(revoked_at="2026-01-01T00:00:00Z")
    fresh = terminal_cookies(users, cookies)  # a revoked one is replaced
    assert fresh["worker"] != cookies["worker"] and Terminal.objects.count() == 6

    run(w.other_worker, w.chief)
    grant = BreakGlass.objects.get()
    assert grant.outcome == BreakGlass.Outcome.PENDING and grant.user == w.other_worker
    run(w.other_worker, w.chief)  # idempotent
    assert BreakGlass.objects.count() == 1
    chief = Client()
    chief.force_login(w.chief)
    review = chief.get("/consult/break-glass/review/").content.decode()
    assert f'data-break-glass="{grant.pk}"' in review and "対象者" in review and "閲覧の記録はありません" not in review
