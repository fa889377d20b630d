"""The screens drive the same cycle: create, send, receive, counter payment, retry, notices, new forms."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from yakuba.debit.models import Bill, DebitRun, FailureNotice, NewFormRequest


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'message--\w+">([^<]*)', response.content.decode())


@pytest.mark.django_db
def test_it_runs_the_cycle_from_the_screens(staff, customers, settings, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from yakuba.zengin import bank

    settings.DEBIT_RELAY = "simulator"
    settings.DATA_DIR = tmp_path
    forced = {customers[0].number: "1", customers[1].number: "1", customers[2].number: "2"}
    real = bank.simulate
    monkeypatch.setattr(bank, "simulate", lambda data, **kw: real(data, codes=forced))
    client = Client()
    client.force_login(staff)

    r = client.post(reverse("debit:run_create"), {"debit_date": "2026-11-29"}, follow=True)  # a Sunday
    run = DebitRun.objects.get()
    assert run.debit_date.isoformat() == "2026-11-30"
    assert any("休業日" in m for m in _messages(r))
    r = client.post(reverse("debit:run_send", args=[run.pk]), follow=True)
    assert any("送信しました" in m for m in _messages(r)), _messages(r)
    r = client.post(reverse("debit:run_receive", args=[run.pk]), follow=True)
    assert any("消込みました" in m for m in _messages(r)), _messages(r)
    run.refresh_from_db()
    assert run.status == DebitRun.Status.RECONCILED and "再振替日" in r.content.decode()

    bill = Bill.objects.get(customer=customers[1])
    client.post(reverse("debit:bill_paid", args=[bill.pk]))
    r = client.post(reverse("debit:run_retry", args=[run.pk]), {"retry_date": "2026-12-10"}, follow=True)
    retry = DebitRun.objects.get(kind=DebitRun.Kind.RETRY)
    assert [i.customer_number for i in retry.items.all()] == [customers[0].number]

    notice = FailureNotice.objects.filter(suppressed=False).first()
    r = client.get(reverse("debit:notice_pdf", args=[notice.pk]), follow=True)  # one letter: not bulk, straight through
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    req = NewFormRequest.objects.get()
    client.post(reverse("debit:new_form_done", args=[req.pk]))
    req.refresh_from_db()
    assert req.status == NewFormRequest.Status.SENT

    r = client.post(reverse("debit:run_create"), {"debit_date": "not a date"}, follow=True)
    assert any("YYYY-MM-DD" in m for m in _messages(r))
