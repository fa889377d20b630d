"""二次調整: accepted round-1 placements keep their seats (out of the capacity), declined seats
return; round-1 waiting children and late applicants take part, with the same explanations."""

from __future__ import annotations

import pytest

from tests.admission.conftest import YEAR, build_package
from yakuba.admission.actions.computing import do_compute
from yakuba.admission.actions.deliveries import do_import_package
from yakuba.admission.actions.notices import do_record_response
from yakuba.admission.actions.rounds import do_approve, do_create_second_round
from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Application, Result
from yakuba.admission.synthetic import load_residents, make_population


@pytest.mark.django_db
def test_it_keeps_accepted_seats_in_the_second_round(imported, tmp_path, staff, supervisor) -> None:
    _, first = imported
    do_compute(first, staff)
    do_approve(first, supervisor)
    placed = list(first.results.filter(status=Result.Status.PLACED))
    declined, accepted = placed[0], placed[1:]
    do_record_response(declined, Result.Response.DECLINED, staff)
    for r in accepted:
        do_record_response(r, Result.Response.ACCEPTED, staff)
    with pytest.raises(AdmissionError):  # a waiting child cannot "accept"
        do_record_response(first.results.filter(status=Result.Status.WAITING).first(), "accepted", staff)

    late = make_population(12, 6, YEAR, seed=4, batch="B0002", receipt_start=61)
    load_residents(late.residents)
    do_import_package(build_package(tmp_path, late.records, name="late.yakuba", batch="B0002"), staff,
                      admission_year=YEAR)
    second = do_create_second_round(first, staff)
    for f in second.facilities.all():
        before = first.facilities.get(code=f.code).capacity
        for age in range(6):
            kept = sum(1 for r in accepted if (r.facility, r.age_class) == (f.code, age))
            assert f.capacity[age] == before[age] - kept

    do_compute(second, staff)
    in_second = set(second.results.values_list("application__receipt_number", flat=True))
    waiting_first = set(first.results.filter(status=Result.Status.WAITING)
                        .values_list("application__receipt_number", flat=True))
    late_numbers = {r["receipt_number"] for r in late.records}
    assert in_second == waiting_first | late_numbers
    assert declined.application.receipt_number not in in_second and not in_second & {r.application.receipt_number for r in accepted}
    for r in second.results.all():
        assert r.text and r.breakdown.startswith("基準点")
    # the seats: round-1 accepted + round-2 placed never exceed round-1 capacity
    for f in first.facilities.all():
        for age in range(6):
            total = sum(1 for r in accepted if (r.facility, r.age_class) == (f.code, age)) + \
                second.results.filter(status=Result.Status.PLACED, facility=f.code, age_class=age).count()
            assert total <= f.capacity[age]
    assert Application.objects.count() == 72
