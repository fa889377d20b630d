"""A round created with no file takes the city profile's facilities.csv (codes, names, 定員)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import cityprofiles
from yakuba.admission.models import Round


@pytest.mark.django_db
def test_it_creates_a_round_from_the_citys_facilities(staff, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cityprofiles.use(monkeypatch, cityprofiles.HERE / "sakurano")
    client = Client()
    client.force_login(staff)
    client.post(reverse("admission:round_create"), {"year": 2027})
    rnd = Round.objects.get()
    got = {f.code: (f.name, list(f.capacity)) for f in rnd.facilities.all()}
    assert got["7001"] == ("さくら野中央保育園", [3, 3, 3, 3, 3, 3])
    assert got["8001"] == ("若葉乳児園", [2, 2, 2, 0, 0, 0])
    assert sorted(got) == ["7001", "7002", "7003", "8001", "8002"]
