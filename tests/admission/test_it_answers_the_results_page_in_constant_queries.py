"""The results page reads the facility × age table with aggregated queries: the same number of
queries for 60 children as for 600 (bench/admission_results.py times it at 10,000)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.admission.conftest import YEAR, build_package
from yakuba.admission.actions.computing import do_compute
from yakuba.admission.actions.deliveries import do_import_package
from yakuba.admission.actions.rounds import do_create_round
from yakuba.admission.synthetic import load_residents, make_population


def _queries(client: Client, rnd) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as q:
        assert client.get(f"/admission/rounds/{rnd.pk}/").status_code == 200
    return len(q.captured_queries)


@pytest.mark.django_db
def test_it_answers_the_results_page_in_constant_queries(imported, tmp_path, staff) -> None:
    _, small = imported
    do_compute(small, staff)
    client = Client()
    client.force_login(staff)
    few = _queries(client, small)

    big = make_population(600, 40, YEAR + 1, seed=9, batch="B0003")
    load_residents(big.residents)
    do_import_package(build_package(tmp_path, big.records, name="big.yakuba", batch="B0003"), staff,
                      admission_year=YEAR + 1)
    large = do_create_round(YEAR + 1, big.facilities, staff)
    do_compute(large, staff)
    assert large.results.count() == 600
    assert _queries(client, large) == few
