"""An agency's staff see exactly the fields chosen for their organisation, at the time-limited view,
until it expires or is revoked (then 410 with one Japanese line); another agency sees nothing, and
no agency ever opens the case page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.consult.helpers import MARKERS, logged_in, sharing_world
from yakuba.consult.actions import sharing
from yakuba.consult.models import Disclosure


@pytest.mark.django_db
def test_it_shows_an_agency_only_the_chosen_fields_until_expiry() -> None:
    s = sharing_world()
    case, worker = s.w.case, s.w.worker
    consent = sharing.do_record_consent(case, worker, person_id=s.w.person.pk, agency_ids=[s.agency_a.pk],
                                        groups=["basic", "situation"], purpose="介護保険の調整", method="written")
    d = sharing.do_share(case, worker, organisation_id=s.agency_a.pk, basis="consent", consent_id=consent.pk,
                         fields=["person.name", "person.birth_date", "intake.worry"], form="view", days=2)
    a, b = logged_in(s.staff_a), logged_in(s.staff_b)

    listing = a.get("/consult/shared/").content.decode()
    assert f'data-disclosure="{d.pk}"' in listing and MARKERS["name"] not in listing  # the list names no one
    page = a.get(f"/consult/shared/{d.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert MARKERS["name"] in body and MARKERS["worry"] in body and "昭和25年3月4日" in body
    others = {k: v for k, v in MARKERS.items() if k not in ("name", "worry")}
    assert [k for k, v in others.items() if v in body] == []

    assert b.get(f"/consult/shared/{d.pk}/").status_code == 403
    assert f'data-disclosure="{d.pk}"' not in b.get("/consult/shared/").content.decode()
    for client in (a, b):
        assert client.get(f"/consult/cases/{case.pk}/").status_code == 403

    Disclosure.objects.filter(pk=d.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    gone = a.get(f"/consult/shared/{d.pk}/")
    assert gone.status_code == 410 and "閲覧期限" in gone.content.decode() and MARKERS["name"] not in gone.content.decode()


@pytest.mark.django_db
def test_a_revoked_share_answers_410() -> None:
    s = sharing_world()
    case, worker = s.w.case, s.w.worker
    d = sharing.do_share(case, worker, organisation_id=s.agency_a.pk, basis="statute", statute="elder_abuse_7",
                         fields=["person.name"], form="view", days=30)
    a = logged_in(s.staff_a)
    assert a.get(f"/consult/shared/{d.pk}/").status_code == 200
    r = logged_in(worker).post(f"/consult/disclosures/{d.pk}/revoke/", follow=True)
    assert "取り消しました" in r.content.decode()
    gone = a.get(f"/consult/shared/{d.pk}/")
    assert gone.status_code == 410 and "取り消されました" in gone.content.decode()
    assert MARKERS["name"] not in gone.content.decode()
