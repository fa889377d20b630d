"""The 全銀 files carry the city profile's 委託者 (code, name, account, 取引支店), and an
environment value (YAKUBA_DEBIT_CODE → settings.DEBIT_CONSIGNOR) still overrides one of them."""

from __future__ import annotations

import io

import pytest

from tests import cityprofiles
from tests.debit.conftest import DEBIT_DATE
from yakuba.debit.actions import runs
from yakuba.vault import service as vault
from yakuba.zengin import codec


def headers(run, staff):  # type: ignore[no-untyped-def]
    out = {}
    for f in run.files.all():
        buf = io.BytesIO()
        vault.read(f.request, buf, user=staff)
        (batch,) = codec.parse(buf.getvalue()).batches
        out[f.bank_code] = batch.header
    return out


@pytest.mark.django_db
def test_it_debits_as_the_citys_consignor(staff, customers, monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBIT_CONSIGNOR = {}
    cityprofiles.use(monkeypatch, cityprofiles.HERE / "sakurano")
    found = headers(runs.do_create_run(DEBIT_DATE, staff), staff)
    assert found and all(h.consignor_code == "9876543210" and h.account_number == "7654321" for h in found.values())
    assert found["0005"].branch_code == "123"


@pytest.mark.django_db
def test_the_environment_overrides_one_value(staff, customers, monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBIT_CONSIGNOR = {"code": "1111111111"}
    cityprofiles.use(monkeypatch, cityprofiles.HERE / "sakurano")
    found = headers(runs.do_create_run(DEBIT_DATE, staff), staff)
    assert all(h.consignor_code == "1111111111" and h.account_number == "7654321" for h in found.values())
