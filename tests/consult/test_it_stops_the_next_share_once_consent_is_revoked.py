"""A consent covers shares to the agencies and field groups it names, until it is revoked: the next
share after the revocation (made on the case page) is refused with one Japanese line, nothing written."""

from __future__ import annotations

import pytest

from tests.consult.helpers import MARKERS, logged_in, sharing_world
from yakuba.consult.actions import sharing
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import Disclosure


def _share(client, case, org, consent, chosen):  # type: ignore[no-untyped-def]
    return client.post(f"/consult/cases/{case.pk}/share/", {
        "organisation": org.pk, "basis": "consent", "consent": consent.pk, "chosen": chosen, "form": "view",
        "days": 7}, follow=True)


@pytest.mark.django_db
def test_it_stops_the_next_share_once_consent_is_revoked() -> None:
    s = sharing_world()
    case, worker = s.w.case, s.w.worker
    client = logged_in(worker)
    r = client.post(f"/consult/cases/{case.pk}/consents/", {
        "person": s.w.person.pk, "agencies": [s.agency_a.pk], "groups": ["basic", "situation"],
        "purpose": "介護保険サービスの調整", "method": "written"}, follow=True)
    assert r.status_code == 200 and "同意" in r.content.decode()
    consent = case.consents.get()
    assert _share(client, case, s.agency_a, consent, ["person.name", "intake.worry"]).status_code == 200
    first = Disclosure.objects.get()
    assert first.content == {"person.name": MARKERS["name"], "intake.worry": MARKERS["worry"]}

    r = client.post(f"/consult/consents/{consent.pk}/revoke/", {"reason": "本人の申出"}, follow=True)
    assert "撤回を記録しました" in r.content.decode()
    body = _share(client, case, s.agency_a, consent, ["person.name"]).content.decode()
    assert "は令和" in body and "撤回されています。この同意による提供はできません。" in body
    assert Disclosure.objects.count() == 1


@pytest.mark.django_db
def test_a_consent_covers_only_its_agencies_and_field_groups() -> None:
    s = sharing_world()
    case, worker = s.w.case, s.w.worker
    consent = sharing.do_record_consent(case, worker, person_id=s.w.person.pk, agency_kinds=["houkatsu"],
                                        groups=["basic"], purpose="見守りの調整", method="oral")
    ok = dict(organisation_id=s.agency_a.pk, basis="consent", consent_id=consent.pk, form="view", days=3)
    sharing.do_share(case, worker, fields=["person.name"], **ok)  # 地域包括 by its kind
    with pytest.raises(ConsultError, match="範囲に含まれない項目があります: 心身の状況・障がい"):
        sharing.do_share(case, worker, fields=["person.name", "assessment.health_details"], **ok)
    with pytest.raises(ConsultError, match="提供先に「試験相談支援事業所B」は含まれていません"):
        sharing.do_share(case, worker, fields=["person.name"], **{**ok, "organisation_id": s.agency_b.pk})
    with pytest.raises(ConsultError, match="提供できない項目"):
        sharing.do_share(case, worker, fields=["person.name", "records.said"], **ok)
    assert Disclosure.objects.count() == 1
    # the unassigned worker may not share, even with a valid consent
    r = logged_in(s.w.other_worker).post(f"/consult/cases/{case.pk}/share/", {
        "organisation": s.agency_a.pk, "basis": "consent", "consent": consent.pk, "chosen": ["person.name"],
        "form": "view", "days": 3})
    assert r.status_code == 403 and Disclosure.objects.count() == 1
