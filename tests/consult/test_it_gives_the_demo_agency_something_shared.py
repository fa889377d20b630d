"""The demo: one 支援会議 with two agencies on a 本人同意なし case, a consent-based referral, an open
照会 past its due date; the `agency` login's organisation has a view it can open."""

from __future__ import annotations

import pytest

from tests import factories
from tests.consult.helpers import logged_in
from yakuba.accounts.models import Organisation
from yakuba.accounts.roles import Role
from yakuba.consult import demo
from yakuba.consult.models import Case, Consent, Disclosure, InformationRequest, SupportMeeting


@pytest.mark.django_db
def test_it_gives_the_demo_agency_something_shared(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YAKUBA_DEMO_CASES", "12")
    factories.org("fukushi")
    houkatsu = Organisation.objects.create(code="agency-houkatsu", name="試験中央地域包括支援センター",
                                           kind=Organisation.Kind.AGENCY)
    agency = factories.user(Role.AGENCY_STAFF, "agency", org_code=houkatsu.code)
    demo.run(factories.user(Role.CENTER_WORKER, "worker"), factories.user(Role.CENTER_WORKER, "worker2"),
             factories.user(Role.CENTER_SUPERVISOR, "center-chief"))

    meeting = SupportMeeting.objects.get()
    assert meeting.members.count() == 2 and meeting.cases.get().track == Case.Track.NO_CONSENT
    assert Consent.objects.filter(revoked_at__isnull=True).count() == 1
    assert Disclosure.objects.filter(basis="consent").count() == 1
    assert InformationRequest.objects.filter(status="open").count() == 1
    mine = Disclosure.objects.filter(organisation=houkatsu)
    assert mine.count() == 2
    client = logged_in(agency)
    for d in mine:
        assert client.get(f"/consult/shared/{d.pk}/").status_code == 200
