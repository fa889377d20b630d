"""A terminal cookie of another centre gives no case data; and the session is bound to the terminal
it was first seen on: another terminal's cookie, or none, later in the session is refused, logged
to yakuba.security and audited."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tests import factories
from tests.consult.helpers import MARKERS, login_on_terminal, login_without_terminal, world
from yakuba.accounts.models import Organisation
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.consult.terminals import COOKIE, HEADER


@pytest.mark.django_db
def test_it_works() -> None:
    w = world()
    Organisation.objects.create(code="center2", name="別の相談センター", kind=Organisation.Kind.CENTER)
    elsewhere = factories.user(Role.CENTER_WORKER, "w-elsewhere", org_code="center2")
    _t, (name, value) = factories.terminal(elsewhere)
    client = Client()
    login_without_terminal(client, w.worker)
    client.cookies[name] = value
    answer = client.get(f"/consult/cases/{w.case.pk}/")
    assert answer.status_code == 403 and answer[HEADER] == "required"
    assert MARKERS["said"] not in answer.content.decode() and "別のセンター" in answer.content.decode()
    assert AuditEntry.objects.filter(action="consult.terminal.refused", detail__problem="other_centre").exists()


@pytest.mark.django_db
def test_a_session_stays_on_its_terminal(caplog) -> None:  # type: ignore[no-untyped-def]
    w = world()
    client = Client()
    login_on_terminal(client, w.worker, label="端末A")
    assert MARKERS["said"] in client.get(f"/consult/cases/{w.case.pk}/").content.decode()  # bound to 端末A
    _other, (name, value) = factories.terminal(w.worker, label="端末B")  # good, same centre: but not this session's
    client.cookies[name] = value
    with caplog.at_level(logging.WARNING, logger="yakuba.security"):
        switched = client.get(f"/consult/cases/{w.case.pk}/")
        assert switched.status_code == 403 and MARKERS["said"] not in switched.content.decode()
        client.cookies.pop(COOKIE)
        missing = client.get(f"/consult/cases/{w.case.pk}/")
        assert missing.status_code == 403 and MARKERS["said"] not in missing.content.decode()
    problems = [r.getMessage() for r in caplog.records if r.name == "yakuba.security"]
    assert any("mismatch" in p for p in problems) and any("missing" in p for p in problems)
    refused = AuditEntry.objects.filter(action="consult.terminal.refused", actor_id=w.worker.pk)
    assert {e.detail["problem"] for e in refused} >= {"mismatch", "missing"}


@pytest.mark.django_db
def test_agency_and_city_staff_are_left_alone() -> None:
    """Not centre terminals: their answers do not change (the agency gets its 403 as before)."""
    w = world()
    client = Client()
    client.force_login(factories.user(Role.AGENCY_STAFF))
    answer = client.get(f"/consult/cases/{w.case.pk}/")
    assert answer.status_code == 403 and HEADER not in answer
    city = Client()
    city.force_login(factories.user(Role.CITY_STAFF, "fk", org_code="fukushi"))
    assert city.get("/consult/statistics/").status_code == 200
