"""The センター長 confirms a break-glass access or raises it as an incident (an Incident with a
note, required); both audited; each access is decided once, never by the one who opened it, and
only by the centre's chief."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.consult.helpers import world
from yakuba.audit.models import AuditEntry
from yakuba.consult.actions import terminals as actions
from yakuba.consult.models import BreakGlass, Incident
from yakuba.officehours import Calendar

NEVER_OPEN = Calendar(closed_weekdays=frozenset(range(7)))


@pytest.mark.django_db
def test_it_works() -> None:
    w = world()
    first = actions.do_break_glass(w.other_worker, w.case, reason="夜間の電話", minutes=20, cal=NEVER_OPEN)
    second = actions.do_break_glass(w.other_worker, w.case, reason="再度の電話", minutes=20, cal=NEVER_OPEN)
    worker = Client()
    worker.force_login(w.other_worker)
    assert worker.post(f"/consult/break-glass/{first.pk}/confirm/").status_code == 403
    chief = Client()
    chief.force_login(w.chief)
    chief.post(f"/consult/break-glass/{first.pk}/confirm/")
    first.refresh_from_db()
    assert first.outcome == BreakGlass.Outcome.CONFIRMED and first.reviewed_by == w.chief
    twice = chief.post(f"/consult/break-glass/{first.pk}/incident/", {"note": "x"}, follow=True).content.decode()
    assert "すでに確認されています" in twice and not Incident.objects.exists()
    no_note = chief.post(f"/consult/break-glass/{second.pk}/incident/", {"note": ""}, follow=True).content.decode()
    assert "所見" in no_note and not Incident.objects.exists()
    chief.post(f"/consult/break-glass/{second.pk}/incident/", {"note": "理由が緊急に当たらない NOTE-ZQ"})
    second.refresh_from_db()
    assert second.outcome == BreakGlass.Outcome.INCIDENT and second.incident.note.endswith("NOTE-ZQ")
    assert AuditEntry.objects.filter(action="consult.break_glass.confirmed", actor_id=w.chief.pk).count() == 1
    assert AuditEntry.objects.filter(action="consult.break_glass.incident", actor_id=w.chief.pk).count() == 1
    review = chief.get("/consult/break-glass/review/").content.decode()
    assert "NOTE-ZQ" in review and 'data-testid="pending">0<' in review
    missing = chief.post("/consult/break-glass/999999/confirm/", follow=True).content.decode()
    assert "見つかりません" in missing
