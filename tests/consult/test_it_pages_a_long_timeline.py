"""A case with many consultation records shows the newest 50, older ones page by page; a page
reveals (and audits) only the records it shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.consult.helpers import world
from yakuba.consult.models import ConsultationRecord


@pytest.mark.django_db
def test_it_works() -> None:
    w = world()
    start = timezone.now() - dt.timedelta(days=100)
    ConsultationRecord.objects.bulk_create([
        ConsultationRecord(case=w.case, at=start + dt.timedelta(hours=i), worker=w.worker, method="phone",
                           said=f"REC-{i:03d}-END") for i in range(70)])
    client = Client()
    client.force_login(w.worker)

    first = client.get(f"/consult/cases/{w.case.pk}/").content.decode()
    shown = [i for i in range(70) if f"REC-{i:03d}-END" in first]
    assert shown == list(range(21, 70))  # the 49 newest bulk records; the newest of all is the world's own
    assert "71件のうち 1–50件目" in first and "?records=2" in first

    second = client.get(f"/consult/cases/{w.case.pk}/?records=2").content.decode()
    assert [i for i in range(70) if f"REC-{i:03d}-END" in second] == list(range(0, 21))
    assert "より新しい記録" in second


@pytest.mark.django_db
def test_a_page_number_that_is_not_one_shows_the_first_page() -> None:
    w = world()
    client = Client()
    client.force_login(w.worker)
    for bad in ("abc", "-1", "999999999999999999999", ""):
        response = client.get(f"/consult/cases/{w.case.pk}/", {"records": bad})
        assert response.status_code == 200 and "MARKER-SAID-1187" in response.content.decode()
