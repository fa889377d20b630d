"""A break-glass grant ends at its time limit (at most YAKUBA_BREAK_GLASS_MAX_MIN minutes): after
it the minimal view is gone and the case answers as for any unassigned worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.consult.helpers import MARKERS, world
from yakuba.consult.access import Level, access_case
from yakuba.consult.actions import terminals as actions
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import BreakGlass
from yakuba.officehours import Calendar

NEVER_OPEN = Calendar(closed_weekdays=frozenset(range(7)))


@pytest.mark.django_db
def test_it_works(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(actions, "calendar", lambda: NEVER_OPEN)
    monkeypatch.setenv("YAKUBA_BREAK_GLASS_MAX_MIN", "15")
    w = world()
    with pytest.raises(ConsultError, match="1〜15 分"):
        actions.do_break_glass(w.other_worker, w.case, reason="電話", minutes=16)
    client = Client()
    client.force_login(w.other_worker)
    too_long = client.post(f"/consult/cases/{w.case.pk}/break-glass/", {"reason": "電話", "minutes": "60"}, follow=True)
    assert "15" in too_long.content.decode() and not BreakGlass.objects.exists()
    client.post(f"/consult/cases/{w.case.pk}/break-glass/", {"reason": "電話", "minutes": "15"})
    grant = BreakGlass.objects.get()
    assert access_case(w.other_worker, w.case) == Level.BREAK_GLASS
    assert MARKERS["risks"] in client.get(f"/consult/break-glass/{grant.pk}/").content.decode()
    BreakGlass.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert access_case(w.other_worker, w.case) == Level.EXISTS
    after = client.get(f"/consult/break-glass/{grant.pk}/", follow=True).content.decode()
    assert "時間が終わりました" in after and MARKERS["risks"] not in after and MARKERS["name"] not in after
    assert client.get(f"/consult/break-glass/{grant.pk}/").status_code == 302
    other = Client()
    other.force_login(w.worker)  # another user's grant is not theirs to open
    assert other.get(f"/consult/break-glass/{grant.pk}/").status_code == 403
