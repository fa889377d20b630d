"""Two intakes at once that draw the same case number (PostgreSQL, two workers) both open a case:
the second draws again instead of failing on the unique number."""

from __future__ import annotations

import pytest

from tests.consult.helpers import world
from yakuba.consult.actions import cases
from yakuba.consult.models import Case


@pytest.mark.django_db
def test_it_works(monkeypatch: pytest.MonkeyPatch) -> None:
    w = world()
    taken = w.case.number
    real = cases._next_number
    draws: list[str] = []

    def stale_first(today):  # type: ignore[no-untyped-def]
        number = taken if not draws else real(today)  # the first draw saw the table before the other intake
        draws.append(number)
        return number

    monkeypatch.setattr(cases, "_next_number", stale_first)
    second = cases.do_open_case(w.worker, person={"name": "試験 二郎"}, domains=["elderly"], route="phone",
                                urgency="normal", worry="同時の受付")
    assert draws[0] == taken and second.number not in (taken, "") and len(draws) == 2
    assert Case.objects.filter(number=second.number).count() == 1
