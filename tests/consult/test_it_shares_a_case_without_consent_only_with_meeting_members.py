"""本人同意なし: nothing goes by consent or by another statute; only to the members of a 支援会議 the
case is on (their secrecy acknowledged). The meeting's minutes show on the case page."""

from __future__ import annotations

import pytest

from tests import factories
from tests.consult.helpers import logged_in, sharing_world
from yakuba.accounts.roles import Role
from yakuba.consult.actions import sharing
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import Case, Disclosure, MeetingMember


@pytest.mark.django_db
def test_it_shares_a_case_without_consent_only_with_meeting_members() -> None:
    s = sharing_world()
    worker = s.w.worker
    client = logged_in(worker)
    r = client.post("/consult/intake/", {"name": "試験 同意なし", "domains": ["child"], "route": "agency",
                                         "urgency": "urgent", "worry": "MARKER-NOCONSENT-1", "track": "no_consent"},
                    follow=True)
    case = Case.objects.get(intake__worry="MARKER-NOCONSENT-1")
    assert case.track == Case.Track.NO_CONSENT and "本人同意なし(支援会議のみ)" in r.content.decode()

    with pytest.raises(ConsultError, match="本人同意なし"):
        sharing.do_record_consent(case, worker, person_id=case.people.get().pk, agency_ids=[s.agency_a.pk],
                                  groups=["basic"], purpose="x", method="written")
    for basis in ("consent", "statute"):
        with pytest.raises(ConsultError, match="支援会議の構成員だけです"):
            sharing.do_share(case, worker, organisation_id=s.agency_a.pk, basis=basis, statute="child_welfare_25",
                             fields=["person.name"], form="view", days=3)

    r = client.post(f"/consult/cases/{case.pk}/meetings/", {"convened_by": s.department.pk, "held_on": "2026-11-20",
                                                            "agenda": "MARKER-AGENDA-77"}, follow=True)
    meeting = case.meetings.get()
    assert "MARKER-AGENDA-77" in r.content.decode()
    r = client.post(f"/consult/meetings/{meeting.pk}/members/", {"organisation": s.agency_a.pk}, follow=True)
    assert "守秘義務" in r.content.decode() and not MeetingMember.objects.exists()  # not acknowledged: refused
    client.post(f"/consult/meetings/{meeting.pk}/members/", {"organisation": s.agency_a.pk, "secrecy": "on"})
    client.post(f"/consult/meetings/{meeting.pk}/minutes/", {"conclusions": "MARKER-CONCL-88", "minutes": "MARKER-MIN-99"})

    share = {"basis": "meeting", "meeting": meeting.pk, "chosen": ["person.name", "intake.worry"], "form": "view",
             "days": 7}
    client.post(f"/consult/cases/{case.pk}/share/", {"organisation": s.agency_a.pk, **share})
    body = client.post(f"/consult/cases/{case.pk}/share/", {"organisation": s.agency_b.pk, **share},
                       follow=True).content.decode()
    assert "「試験相談支援事業所B」は支援会議" in body and "構成員ではありません" in body
    assert list(Disclosure.objects.values_list("organisation_id", "basis")) == [(s.agency_a.pk, "meeting")]

    page = client.get(f"/consult/cases/{case.pk}/").content.decode()
    assert "MARKER-CONCL-88" in page and "MARKER-MIN-99" in page and f'data-meeting="{meeting.pk}"' in page
    # a case not on the meeting cannot use it
    with pytest.raises(ConsultError, match="検討した支援会議を選んでください"):
        sharing.do_share(s.w.case, worker, organisation_id=s.agency_a.pk, basis="meeting", meeting_id=meeting.pk,
                         fields=["person.name"], form="view", days=3)
    # the city department does not convene through a centre login of another centre, and a non-city organisation cannot convene
    with pytest.raises(ConsultError, match="市の部署"):
        sharing.do_convene_meeting(case, worker, convened_by_id=s.agency_a.pk, held_on=meeting.held_on, agenda="x")
    assert logged_in(factories.user(Role.CENTER_WORKER, "w-x")).get(f"/consult/meetings/{meeting.pk}/").status_code == 403
