"""At night an unassigned 相談支援員 opens a case with a reason and a time limit: the minimal view
(who, contacts, risks, the last notes — no health details, no worry, no plan) on a phone-sized
page; every row shown is audited and the access appears in the センター長's review queue with the
reason and what was seen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.consult.helpers import MARKERS, world
from yakuba.audit.models import AuditEntry
from yakuba.consult.actions import terminals as actions
from yakuba.consult.models import BreakGlass
from yakuba.officehours import Calendar

NEVER_OPEN = Calendar(closed_weekdays=frozenset(range(7)))


@pytest.mark.django_db
def test_it_works(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(actions, "calendar", lambda: NEVER_OPEN)
    w = world()
    client = Client()
    client.force_login(w.other_worker)
    case_page = client.get(f"/consult/cases/{w.case.pk}/").content.decode()
    assert "緊急時の閲覧" in case_page and MARKERS["name"] not in case_page
    empty = client.post(f"/consult/cases/{w.case.pk}/break-glass/", {"reason": "", "minutes": "30"}, follow=True)
    assert "理由" in empty.content.decode() and not BreakGlass.objects.exists()
    answer = client.post(f"/consult/cases/{w.case.pk}/break-glass/",
                         {"reason": "夜間に家族から電話 REASON-ZQ", "minutes": "30"}, follow=True)
    body = answer.content.decode()
    grant = BreakGlass.objects.get()
    assert grant.user == w.other_worker and grant.reason.endswith("REASON-ZQ")
    assert dt.timedelta(minutes=29) < grant.expires_at - grant.opened_at <= dt.timedelta(minutes=30)
    assert 'data-testid="break-glass-view"' in body and 'name="viewport"' in body and "consult/consult.css" in body
    for shown in ("name", "phone", "address", "risks", "said", "next", "member"):
        assert MARKERS[shown] in body, shown
    for hidden in ("health", "worry", "situation", "summary", "goal", "task", "resident_key"):
        assert MARKERS[hidden] not in body, hidden
    reads = AuditEntry.objects.filter(action="consult.break_glass.read", actor_id=w.other_worker.pk)
    assert {e.target_type for e in reads} == {"consult.person", "consult.assessment", "consult.consultationrecord"}
    assert "health" not in {c for e in reads for c in e.categories}
    viewed = AuditEntry.objects.get(action="consult.break_glass.viewed", actor_id=w.other_worker.pk)
    assert viewed.detail["break_glass"] == grant.pk and len(viewed.detail["shown"]["consult.person"]) == 2
    assert AuditEntry.objects.filter(action="consult.break_glass.opened", target_id=str(w.case.pk)).count() == 1
    # the case page itself still shows no more than before, and nothing else opens
    assert MARKERS["name"] not in client.get(f"/consult/cases/{w.case.pk}/").content.decode()
    assert client.get(f"/consult/people/{w.person.pk}/").status_code == 403

    chief = Client()
    chief.force_login(w.chief)
    review = chief.get("/consult/break-glass/review/").content.decode()
    assert f'data-break-glass="{grant.pk}"' in review and "REASON-ZQ" in review
    assert "対象者 2件" in review and "相談記録 1件" in review and w.other_worker.username in review
    assert 'data-testid="pending">1<' in review
