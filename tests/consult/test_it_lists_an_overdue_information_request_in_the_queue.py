"""A 照会 unanswered past its due date appears in the centre's queue, until it is answered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.consult.helpers import logged_in, sharing_world
from yakuba.consult.models import InformationRequest


@pytest.mark.django_db
def test_it_lists_an_overdue_information_request_in_the_queue() -> None:
    s = sharing_world()
    case, client = s.w.case, logged_in(s.w.worker)
    today = timezone.localdate()
    for days, subject in ((-2, "MARKER-REQ-LATE"), (5, "MARKER-REQ-SOON")):
        r = client.post(f"/consult/cases/{case.pk}/requests/", {
            "organisation": s.agency_a.pk, "direction": "to_agency", "subject": subject,
            "due_on": (today + dt.timedelta(days=days)).isoformat()}, follow=True)
        assert "を記録しました" in r.content.decode()
    late = InformationRequest.objects.get(subject="MARKER-REQ-LATE")
    soon = InformationRequest.objects.get(subject="MARKER-REQ-SOON")
    queue = client.get("/consult/").content.decode()
    assert f'data-request="{late.pk}"' in queue and f'data-request="{soon.pk}"' not in queue
    assert "MARKER-REQ-LATE" not in queue  # the queue names the case and the agency, not what was asked
    assert f'data-request="{late.pk}"' not in logged_in(s.w.other_worker).get("/consult/").content.decode()

    r = client.post(f"/consult/requests/{late.pk}/answer/", {"answer": "MARKER-ANSWER-1"}, follow=True)
    assert "MARKER-ANSWER-1" in r.content.decode()
    late.refresh_from_db()
    assert late.status == InformationRequest.Status.ANSWERED and late.answered_at is not None
    assert f'data-request="{late.pk}"' not in client.get("/consult/").content.decode()
    r = client.post(f"/consult/requests/{late.pk}/answer/", {"answer": "again"}, follow=True)
    assert "既に回答済みです" in r.content.decode()
