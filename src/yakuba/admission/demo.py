"""The demo city's 利用調整: ~600 synthetic applicants at ~40 facilities, a computed and approved
round ready to browse (results page, each child's explanation, notices, CSV).

The path is the real one: the synthetic applications travel as the vendor's delivery package
(signed, encrypted, numbered), the city imports it, matches residents, imports 所得割額 from a
tax CSV, enters its own facts, creates the round from a facilities CSV, computes it (staff) and
approves it (supervisor). Idempotent: does nothing when the demo round exists.
"""

from __future__ import annotations

import io
from typing import Any, Callable

from yakuba.site.config import env_int

DEMO_ROUND = "デモ 一次調整"
ADMISSION_YEAR = 2027


def run(staff: Any, supervisor: Any, progress: Callable[[str], None] = lambda m: None) -> None:
    from yakuba.admission.actions.computing import do_compute
    from yakuba.admission.actions.deliveries import do_import_package
    from yakuba.admission.actions.income import do_import_income
    from yakuba.admission.actions.rounds import do_approve, do_create_round, read_facilities
    from yakuba.admission.models import Round
    from yakuba.admission.synthetic import (apply_facts, delivery_files, facilities_csv, income_csv,
                                            load_residents, make_population)
    from yakuba.allocation.tables import InMemory
    from yakuba.handover.service import create

    if Round.objects.filter(name=DEMO_ROUND).exists():
        return
    children = env_int("YAKUBA_DEMO_APPLICANTS", 600)
    facilities = max(3, children // 15)
    progress(f"利用調整のデモ: 申込 {children} 件・施設 {facilities} か所を用意しています")
    population = make_population(children, facilities, ADMISSION_YEAR, seed=11, batch="B9001")
    load_residents(population.residents)
    # Everything in memory: no file of the (synthetic) residents is written outside the vault.
    package = io.BytesIO()
    create(package, delivery_files(population.records, batch="B9001"), sender="vendor-entry", recipient="kodomo",
           purpose="入園申込データの納品(デモ)")
    progress("利用調整のデモ: 納品パッケージを受領しています")
    do_import_package(package.getvalue(), staff, admission_year=ADMISSION_YEAR, name="B9001.yakuba")
    apply_facts(population.facts, ADMISSION_YEAR)
    do_import_income(InMemory("income.csv", income_csv(population.incomes, encoding="cp932")), staff,
                     year=ADMISSION_YEAR)
    rnd = do_create_round(ADMISSION_YEAR, read_facilities(
        InMemory("facilities.csv", facilities_csv(population.facilities))), staff, name=DEMO_ROUND)
    progress("利用調整のデモ: 一次調整を計算しています")
    do_compute(rnd, staff)
    do_approve(rnd, supervisor)
