"""The entry screen: a plausible checkup is kept at once; an unusual value is kept only after the staff
ticks its warning; an impossible one never. What was confirmed is kept with the record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.health import helpers
from yakuba.health.models import Checkup

pytestmark = pytest.mark.django_db

URL = "/health/children/{}/checkups/m3_4/"


def post(client: Client, child_pk: int, **values: object):  # type: ignore[no-untyped-def]
    data = {"checkup_date": "2024-05-20", "height_cm": "62.0", "weight_kg": "6.500", "chest_cm": "40.5",
            "head_cm": "40.0", "judgement": "healthy", "finding_skin": "present", "finding_skin_note": "湿疹",
            "q_feeding": "混合", "q_someone_to_ask": "いいえ"}
    data.update({k: v for k, v in values.items() if v is not None})
    return client.post(URL.format(child_pk), data)


def test_it_works() -> None:
    staff, child = helpers.staff(), helpers.child()
    client = Client()
    client.force_login(staff)
    response = post(client, child.pk)
    assert response.status_code == 302
    checkup = Checkup.objects.get(child=child)
    assert checkup.age_in_months == 4 and str(checkup.weight_kg) == "6.500"
    assert checkup.findings == [{"system": "skin", "status": "present", "note": "湿疹"}]
    assert checkup.interview == {"feeding": "混合", "someone_to_ask": "いいえ"}
    assert checkup.warnings == [] and checkup.source == "entry"


def test_it_keeps_an_unusual_weight_only_once_confirmed() -> None:
    staff, child = helpers.staff(), helpers.child()
    client = Client()
    client.force_login(staff)
    first = post(client, child.pk, weight_kg="4.800")
    assert first.status_code == 200 and not Checkup.objects.exists()
    page = first.content.decode()
    assert 'data-testid="confirm-warnings"' in page and "weight_kg:outside_band" in page
    assert 'value="4.800"' in page  # what was typed is still there
    second = post(client, child.pk, weight_kg="4.800", confirm="weight_kg:outside_band")
    assert second.status_code == 302
    checkup = Checkup.objects.get(child=child)
    assert checkup.warnings == ["weight_kg:outside_band"] == checkup.confirmed_warnings


def test_a_confirmation_of_another_warning_does_not_do() -> None:
    staff, child = helpers.staff(), helpers.child()
    client = Client()
    client.force_login(staff)
    response = post(client, child.pk, weight_kg="4.800", confirm="height_cm:outside_band")
    assert response.status_code == 200 and not Checkup.objects.exists()


def test_it_never_keeps_an_impossible_value() -> None:
    staff, child = helpers.staff(), helpers.child()
    client = Client()
    client.force_login(staff)
    response = post(client, child.pk, weight_kg="65", confirm="weight_kg:impossible")
    assert response.status_code == 200 and not Checkup.objects.exists()
    assert "ありえない値" in response.content.decode()


def test_it_refuses_a_second_checkup_of_the_same_kind() -> None:
    staff, child = helpers.staff(), helpers.child()
    helpers.checkup(child, staff)
    client = Client()
    client.force_login(staff)
    response = post(client, child.pk)
    assert response.status_code == 200 and Checkup.objects.count() == 1
    assert "記録済み" in response.content.decode()


def test_it_asks_nothing_of_a_field_of_another_checkup() -> None:
    staff, child = helpers.staff(), helpers.child()
    client = Client()
    client.force_login(staff)
    page = client.get(URL.format(child.pk)).content.decode()
    assert 'name="urine_protein"' not in page and 'name="checkup_date"' in page and "autofocus" in page
    three = client.get(f"/health/children/{child.pk}/checkups/y3/").content.decode()
    assert 'name="urine_protein"' in three
    assert dt.date.today()  # the page renders for every kind
