"""An approved 利用調整 round and a month's 不能通知, for the export step's tests (synthetic only)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client

from tests import factories
from tests.admission.conftest import YEAR, build_package, city
from tests.debit.conftest import DEBIT_DATE, make_customers, water_user
from yakuba.accounts.roles import Role


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def approved_round(tmp_path, children: int = 24):  # type: ignore[no-untyped-def]
    """(staff, supervisor, round): a computed round of `children` children, approved by the 所属長."""
    from yakuba.admission.actions.computing import do_compute
    from yakuba.admission.actions.deliveries import do_import_package
    from yakuba.admission.actions.income import do_import_income
    from yakuba.admission.actions.rounds import do_approve, do_create_round
    from yakuba.admission.synthetic import apply_facts, load_residents, make_population, write_income_csv

    city()
    staff = factories.user(Role.CITY_STAFF, username="kodomo-staff")
    supervisor = factories.user(Role.CITY_SUPERVISOR, username="kodomo-chief")
    population = make_population(children, 4, YEAR, seed=5)
    load_residents(population.residents)
    do_import_package(build_package(tmp_path, population.records), staff, admission_year=YEAR)
    apply_facts(population.facts, YEAR)
    do_import_income(write_income_csv(tmp_path / "income.csv", population.incomes), staff, year=YEAR)
    rnd = do_create_round(YEAR, population.facilities, staff)
    do_compute(rnd, staff)
    do_approve(rnd, supervisor)
    return staff, supervisor, rnd


def failed_debits(n: int):  # type: ignore[no-untyped-def]
    """(staff, run, notices): a run of `n` customers, every debit failed (残高不足), a letter each."""
    from yakuba.debit.actions import notices as notice_actions
    from yakuba.debit.actions import runs
    from yakuba.debit.models import FailureNotice

    staff = water_user()
    make_customers(n)
    run = runs.do_create_run(DEBIT_DATE, staff)
    letters = []
    for item in run.items.select_related("bill"):
        item.result_code = "1"
        item.save(update_fields=["result_code"])
        letters.append(FailureNotice.objects.create(item=item, **notice_actions.notice_terms(item, dt.date(2026, 11, 30))))
    return staff, run, letters


def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def round_approved(tmp_path, db):  # type: ignore[no-untyped-def]
    return approved_round(tmp_path)
