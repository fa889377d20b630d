"""Exact (氏名, 生年月日) and guardian (氏名 at the address) matches are automatic; the rest wait for
staff, who confirm by 宛名番号; a hand correction is audited with field names only."""

from __future__ import annotations

import pytest

from tests.admission.conftest import YEAR, build_package
from yakuba.admission.actions.applications import do_confirm_match, do_correct_application
from yakuba.admission.actions.computing import do_compute
from yakuba.admission.actions.deliveries import do_import_package
from yakuba.admission.actions.rounds import do_create_round
from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Application, Resident
from yakuba.admission.synthetic import load_residents
from yakuba.audit.models import AuditEntry


@pytest.mark.django_db
def test_it_matches_residents_exactly_and_queues_the_rest(tmp_path, staff, population) -> None:
    load_residents(population.residents)
    records = [dict(r, fields=dict(r["fields"])) for r in population.records[:3]]
    records[1]["fields"]["child_name"] = records[1]["fields"]["child_name"] + "X"  # a misread name
    do_import_package(build_package(tmp_path, records), staff, admission_year=YEAR)
    a0, a1, a2 = Application.objects.order_by("receipt_number")
    assert a0.match == a2.match == Application.Match.MATCHED
    assert a0.child_resident.birth_date == a0.child_birth and a0.guardian1_resident is not None
    assert a1.match == Application.Match.PENDING and a1.child_resident is None

    rnd = do_create_round(YEAR, population.facilities, staff)
    with pytest.raises(AdmissionError, match="照合"):
        do_compute(rnd, staff)

    child = Resident.objects.get(name=records[1]["fields"]["child_name"][:-1])
    guardian = Resident.objects.get(name=records[1]["fields"]["guardian1_name"])
    do_confirm_match(a1, staff, child=child.atena_number, guardian1=guardian.atena_number)
    a1.refresh_from_db()
    assert a1.match == Application.Match.CONFIRMED and a1.child_resident == child

    do_correct_application(a1, staff, {"base_points": a1.base_points + 4})
    entry = AuditEntry.objects.filter(action="admission.application.changed").get()
    assert entry.detail == {"fields": ["base_points"]} and entry.target_id == str(a1.pk)
    with pytest.raises(AdmissionError):
        do_correct_application(a1, staff, {"match": "matched"})
    do_compute(rnd, staff)
    assert rnd.results.count() == 3
