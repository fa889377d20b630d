"""The city's 子ども家庭課 and a vendor sharing this installation's keys, synthetic residents and a
vendor package built exactly as `docs/formats/intake-delivery.md` says (no real person anywhere)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories
from yakuba.accounts.roles import Role

YEAR = 2027


def city() -> None:
    from yakuba.keyring import get_keyring

    keyring = get_keyring()
    for code in ("kodomo", "vendor-entry"):
        org = factories.org(code)
        org.public_key, org.age_recipient = keyring.public_key_text(), keyring.age_recipient()
        org.save()


def build_package(tmp: Path, records: list[dict], *, name: str = "delivery.yakuba", batch: str = "B0001") -> Path:
    from yakuba.admission.synthetic import write_delivery
    from yakuba.handover.service import create

    files = write_delivery(tmp / f"payload-{name}", records, batch=batch)
    out = tmp / name
    create(out, files, sender="vendor-entry", recipient="kodomo", purpose="入園申込データの納品")
    return out


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    city()
    return factories.user(Role.CITY_STAFF, username="kodomo-staff")


@pytest.fixture
def supervisor(db):  # type: ignore[no-untyped-def]
    city()
    return factories.user(Role.CITY_SUPERVISOR, username="kodomo-chief")


@pytest.fixture
def population():  # type: ignore[no-untyped-def]
    from yakuba.admission.synthetic import make_population

    return make_population(60, 6, YEAR, seed=3)


@pytest.fixture
def imported(tmp_path, staff, population):  # type: ignore[no-untyped-def]
    """Residents loaded, the package imported, facts entered, incomes imported, a round created."""
    from yakuba.admission.actions.deliveries import do_import_package
    from yakuba.admission.actions.income import do_import_income
    from yakuba.admission.actions.rounds import do_create_round
    from yakuba.admission.synthetic import apply_facts, load_residents, write_income_csv

    load_residents(population.residents)
    delivery = do_import_package(build_package(tmp_path, population.records), staff, admission_year=YEAR)
    apply_facts(population.facts, YEAR)
    do_import_income(write_income_csv(tmp_path / "income.csv", population.incomes), staff, year=YEAR)
    rnd = do_create_round(YEAR, population.facilities, staff)
    return delivery, rnd
