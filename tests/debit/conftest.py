"""Synthetic water customers, mandates and bills for the debit tests (no real person anywhere)."""

from __future__ import annotations

import datetime as dt
from typing import Iterator

import pytest

from tests import factories
from yakuba.accounts.models import Organisation
from yakuba.accounts.roles import Role
from yakuba.debit.models import Bill, Customer, Mandate

# Real bank/branch codes (public institution codes from the zengin-code master); invented accounts.
BANKS = [("0001", "001"), ("0005", "001"), ("0009", "001")]
DEBIT_DATE = dt.date(2026, 11, 26)  # a Thursday


def water_user(role: str = Role.CITY_STAFF, username: str = "suido-staff"):  # type: ignore[no-untyped-def]
    Organisation.objects.get_or_create(code="suido", defaults={"name": "上下水道総務課",
                                                               "kind": Organisation.Kind.CITY_DEPARTMENT})
    return factories.user(role, username=username, org_code="suido")


def make_customers(n: int, *, period: str = "2026-11", due: dt.date = DEBIT_DATE) -> list[Customer]:
    out = []
    for i in range(1, n + 1):
        c = Customer.objects.create(number=f"{100000 + i}", name=f"試験 太郎{i}", name_kana="シケン タロウ",
                                    postal_code="999-0001", address=f"みどり市本町{i}-1-1")
        bank, branch = BANKS[i % len(BANKS)]
        Mandate.objects.create(customer=c, bank_code=bank, branch_code=branch, account_number=f"{1000000 + i}",
                               holder_kana="ｼｹﾝ ﾀﾛｳ", received_on=dt.date(2026, 4, 1))
        Bill.objects.create(customer=c, period=period, amount=3000 + 10 * i, due_date=due)
        out.append(c)
    return out


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    return water_user()


@pytest.fixture
def customers(db) -> list[Customer]:  # type: ignore[no-untyped-def]
    return make_customers(6)


class Bank:
    """The bank behind the relay: the simulator, with result codes forced per 使用者番号."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}

    def __call__(self, request: bytes) -> bytes:
        from yakuba.zengin.bank import simulate

        return simulate(request, codes=dict(self.codes))


@pytest.fixture
def bank() -> Bank:
    return Bank()


@pytest.fixture
def relay(tmp_path, bank) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from yakuba.relay.testing import running_relay

    with running_relay(tmp_path, bank=bank) as harness:
        yield harness
