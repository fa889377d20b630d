"""The demo's 健康増進センター: thirty synthetic children imported from a Shift_JIS CSV, some of them
with a light weight that waits for the staff's look; a rerun changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.health import helpers
from yakuba.health.demo import CHILDREN, run
from yakuba.health.models import Checkup, Child

pytestmark = pytest.mark.django_db


def test_it_works() -> None:
    staff = helpers.staff()
    run(staff, today=dt.date(2026, 12, 1))
    assert Child.objects.count() == CHILDREN
    assert Checkup.objects.filter(source="import").count() == Checkup.objects.count() > CHILDREN
    assert any(c.open_warnings for c in Checkup.objects.all())
    assert not Child.objects.filter(name__contains="山田").exists()  # synthetic names only
    count = Checkup.objects.count()
    run(staff, today=dt.date(2026, 12, 1))
    assert Checkup.objects.count() == count
