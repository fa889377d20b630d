"""A closed case still within its period (closed 5 years ago today: its last day), an open case
(opened long ago) and a case whose person is in another case are kept as they are; a case past its
period goes, but a person another case refers to stays with that case."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tests.badinput.helpers import yakuba
from tests.consult.helpers import store_case_files, world
from yakuba.consult.actions import cases
from yakuba.consult.actions.retention import kept_until
from yakuba.consult.models import Case, CaseErasure, Household, Person
from yakuba.vault import service as vault


@pytest.mark.django_db
def test_it_keeps_a_case_within_its_period_or_not_closed() -> None:
    w = world()
    today = dt.date.today()
    last_day = today.replace(year=today.year - 5)
    cases.do_close(w.case, w.chief, reason="resolved", on=last_day)
    assert kept_until(last_day, 5) == today
    kept_file = store_case_files(w.case, w.worker, [b"MARKER-KEPT-FILE"])[0]
    still_open = cases.do_open_case(w.worker, person={"name": "試験 開いている"}, domains=["poverty"], route="phone",
                                    urgency="normal", worry="w",
                                    received_at=dt.datetime(2001, 4, 1, 9, tzinfo=dt.timezone.utc))
    # a case past its period whose person is also in an open case of the same household
    old = cases.do_open_case(w.worker, person={"name": "試験 共有"}, domains=["child"], route="phone", urgency="normal",
                             worry="w", household=still_open.household)
    shared = old.people.get()
    still_open.people.add(shared)
    cases.do_close(old, w.chief, reason="moved", on=today.replace(year=today.year - 7))

    ran = yakuba("consult", "erase-expired", "--as", w.chief.username)
    assert ran.code == 0, ran.err
    assert "消去したケース: 1 件" in ran.out and old.number in ran.err and w.case.number not in ran.err
    assert set(Case.objects.values_list("number", flat=True)) == {w.case.number, still_open.number}
    assert CaseErasure.objects.get().case_number == old.number
    assert Person.objects.filter(pk=shared.pk).exists() and Household.objects.filter(pk=still_open.household_id).exists()
    assert vault.read_bytes(kept_file) == b"MARKER-KEPT-FILE"
    assert w.case.people.count() == 2 and w.case.records.count() == 1
