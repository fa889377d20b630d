"""A refused step on the screens is one Japanese message on the page the person came from; what was
typed is never repeated in it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests import cityprofiles
from tests.debit.conftest import DEBIT_DATE
from yakuba.debit.actions import runs
from yakuba.debit.models import Bill, DebitRun


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'message--\w+">([^<]*)', response.content.decode())


@pytest.fixture
def client(staff) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(staff)
    return c


@pytest.mark.django_db
def test_a_date_that_is_not_one_is_named_not_echoed(client, customers) -> None:  # type: ignore[no-untyped-def]
    r = client.post(reverse("debit:run_create"), {"debit_date": "試験 太郎1"}, follow=True)
    assert r.redirect_chain[-1][0] == reverse("debit:runs")
    (message,) = _messages(r)
    assert "引落日" in message and "YYYY-MM-DD" in message and "試験" not in message
    assert not DebitRun.objects.exists()


@pytest.mark.django_db
def test_a_retry_without_a_date_stays_on_the_run(client, customers) -> None:  # type: ignore[no-untyped-def]
    run = runs.do_create_run(DEBIT_DATE, None)
    r = client.post(reverse("debit:run_retry", args=[run.pk]), {}, follow=True)
    assert r.redirect_chain[-1][0] == reverse("debit:run", args=[run.pk])
    assert any("再振替日" in m for m in _messages(r))


@pytest.mark.django_db
def test_nothing_to_debit_is_said_on_the_list(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post(reverse("debit:run_create"), {"debit_date": DEBIT_DATE.isoformat()}, follow=True)
    assert r.redirect_chain[-1][0] == reverse("debit:runs")
    assert any("対象となる料金がありません" in m for m in _messages(r))


@pytest.mark.django_db
def test_no_relay_is_said_on_the_run(client, customers, settings, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DEBIT_RELAY = None
    settings.DATA_DIR = tmp_path
    (tmp_path / "relay-sim").mkdir()  # a simulator's folder is no reason to use the simulator
    debit = (cityprofiles.DEMO_PROFILE / "debit.toml").read_text(encoding="utf-8")
    cityprofiles.use(monkeypatch, cityprofiles.copy_demo(tmp_path / "profile",
                                                         debit_toml=debit.replace('relay = "simulator"', "")))
    run = runs.do_create_run(DEBIT_DATE, None)
    r = client.post(reverse("debit:run_send", args=[run.pk]), follow=True)
    assert r.redirect_chain[-1][0] == reverse("debit:run", args=[run.pk])
    assert any("中継サーバーが設定されていません" in m for m in _messages(r))
    run.refresh_from_db()
    assert run.status == DebitRun.Status.BUILT


@pytest.mark.django_db
def test_a_bill_paid_twice_is_said_on_the_customer(client, customers) -> None:  # type: ignore[no-untyped-def]
    bill = Bill.objects.get(customer=customers[0])
    client.post(reverse("debit:bill_paid", args=[bill.pk]))
    r = client.post(reverse("debit:bill_paid", args=[bill.pk]), follow=True)
    assert r.redirect_chain[-1][0] == reverse("debit:customer", args=[customers[0].pk])
    assert any("既に収納済み" in m for m in _messages(r))
