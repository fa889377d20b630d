"""A child's page draws height and weight against the growth reference of the child's sex: the page
carries the three curves and the child's own measurements (as JSON for the chart, and in the record)."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.test import Client

from tests.health import helpers
from yakuba.health.growth import reference
from yakuba.linkage.checkup import Sex

pytestmark = pytest.mark.django_db


def chart_of(page: str) -> dict:
    m = re.search(r'<script id="growth-data" type="application/json">(.*?)</script>', page, re.S)
    assert m, "no chart data on the page"
    return json.loads(m.group(1))


def test_it_works() -> None:
    staff = helpers.staff()
    child = helpers.child(sex="male")
    helpers.checkup(child, staff)
    helpers.checkup(child, staff, kind="m18", checkup_date=dt.date(2025, 7, 20), height_cm=Decimal("80.5"),
                    weight_kg=Decimal("10.300"))
    client = Client()
    client.force_login(staff)
    page = client.get(f"/health/children/{child.pk}/").content.decode()
    chart = chart_of(page)
    height, weight = chart["measures"]
    assert (height["measure"], weight["measure"]) == ("height_cm", "weight_kg")
    assert height["points"] == [[4, 62.0], [18, 80.5]] and weight["points"] == [[4, 6.5], [18, 10.3]]
    expected = reference().curves("height_cm", Sex.MALE)
    assert height["curves"]["p50"] == [list(p) for p in expected["p50"]]
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in page
    assert 'aria-label="身長の発育曲線とこの子の測定値"' in page


def test_a_girl_is_drawn_against_the_girls_curves() -> None:
    staff = helpers.staff()
    child = helpers.child(sex="female")
    client = Client()
    client.force_login(staff)
    chart = chart_of(client.get(f"/health/children/{child.pk}/").content.decode())
    girls = reference().curves("weight_kg", Sex.FEMALE)["p97"]
    assert chart["measures"][1]["curves"]["p97"] == [list(p) for p in girls]
    assert girls != reference().curves("weight_kg", Sex.MALE)["p97"]
