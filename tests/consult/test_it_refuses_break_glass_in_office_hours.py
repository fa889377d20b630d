"""In office hours (the city profile's calendar) break-glass is refused with
「勤務時間内はセンター長または担当者に依頼してください」: nothing is granted, nothing shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.consult.helpers import MARKERS, world
from yakuba.consult.actions import terminals as actions
from yakuba.consult.models import BreakGlass
from yakuba.officehours import Calendar

ALWAYS_OPEN = Calendar(opens=dt.time(0, 0), closes=dt.time(23, 59), closed_weekdays=frozenset(), holidays=False,
                       year_end=None)


@pytest.mark.django_db
def test_it_works(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(actions, "calendar", lambda: ALWAYS_OPEN)
    if dt.datetime.now().time() >= dt.time(23, 58):
        pytest.skip("the always-open calendar closes at 23:59")
    w = world()
    client = Client()
    client.force_login(w.other_worker)
    form = client.get(f"/consult/cases/{w.case.pk}/break-glass/").content.decode()
    assert "勤務時間内はセンター長または担当者に依頼してください" in form
    answer = client.post(f"/consult/cases/{w.case.pk}/break-glass/", {"reason": "急ぎ", "minutes": "30"}, follow=True)
    body = answer.content.decode()
    assert "勤務時間内はセンター長または担当者に依頼してください" in body
    assert MARKERS["name"] not in body and MARKERS["risks"] not in body
    assert not BreakGlass.objects.exists()
