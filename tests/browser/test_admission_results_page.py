"""子ども家庭課 staff open a computed round in a real browser: the facility × age table with
cut-offs and waiting counts, the two charts by age, and a what-if on one class's capacity."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.admission.conftest import YEAR, build_package, city
from tests.browser.conftest import log_in, needs_chromium
from yakuba.accounts.roles import Role

pytestmark = [needs_chromium]


def computed_round(tmp_path):  # type: ignore[no-untyped-def]
    from yakuba.admission.actions.computing import do_compute
    from yakuba.admission.actions.deliveries import do_import_package
    from yakuba.admission.actions.income import do_import_income
    from yakuba.admission.actions.rounds import do_create_round
    from yakuba.admission.synthetic import apply_facts, load_residents, make_population, write_income_csv

    city()
    staff = factories.user(Role.CITY_STAFF, username="kodomo-staff")
    population = make_population(60, 6, YEAR, seed=3)
    load_residents(population.residents)
    do_import_package(build_package(tmp_path, population.records), staff, admission_year=YEAR)
    apply_facts(population.facts, YEAR)
    do_import_income(write_income_csv(tmp_path / "income.csv", population.incomes), staff, year=YEAR)
    rnd = do_create_round(YEAR, population.facilities, staff)
    do_compute(rnd, staff)
    return staff, rnd, population


@pytest.mark.browser
def test_the_results_page_shows_the_table_and_the_charts(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    staff, rnd, population = computed_round(tmp_path)
    log_in(page, staff.username, factories.PASSWORD)
    page.get_by_role("link", name="利用調整", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("保育所等の利用調整")
    page.get_by_role("link", name=f"利用調整 {rnd.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{YEAR}年度 一次調整")
    expect(page.get_by_test_id("round-status")).to_have_text("計算済み(承認待ち)")
    table = page.get_by_test_id("results-table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    assert rows.count() == len(rnd.table())
    code, name, cap = population.facilities[0]
    expect(table).to_contain_text(f"{code} {name}")
    expect(page.get_by_test_id("chart-cutoff")).to_contain_text("最低点")
    expect(page.get_by_test_id("chart-waiting").locator(".bar-row")).to_have_count(6)
    expect(page.get_by_role("button", name="承認して公開する")).to_have_count(0)  # staff cannot approve

    page.get_by_label("施設コード").fill(code)
    page.get_by_label("年齢クラス").fill("1")
    page.get_by_label("定員", exact=True).fill(str(cap[1] + 3))
    page.get_by_role("button", name="試算する").click()
    expect(page.get_by_test_id("what-if")).to_contain_text(re.compile(rf"施設 {code} の1歳定員を {cap[1] + 3} にした場合"))
    expect(page.get_by_test_id("round-status")).to_have_text("計算済み(承認待ち)")  # nothing published
