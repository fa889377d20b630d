"""Codes 2, 3, 4: the mandate needs a new 口座振替依頼書, queued as a request; the next run skips it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.debit.conftest import DEBIT_DATE
from yakuba.debit.actions import notices, reconciliation, runs, sending
from yakuba.debit.models import Bill, FailureNotice, Mandate, NewFormRequest


@pytest.mark.django_db
def test_it_queues_new_forms_for_codes_2_3_4(staff, customers, bank, relay) -> None:  # type: ignore[no-untyped-def]
    bank.codes = {customers[0].number: "2", customers[1].number: "3", customers[2].number: "4"}
    run = runs.do_create_run(DEBIT_DATE, staff)
    sending.do_send_run(run, relay.client, staff)
    reconciliation.do_receive_results(run, relay.client, staff, wait=30)

    queued = NewFormRequest.objects.order_by("mandate__customer__number")
    assert [(q.mandate.customer.number, q.result_code) for q in queued] == [
        (customers[0].number, "2"), (customers[1].number, "3"), (customers[2].number, "4")]
    assert all(q.mandate.status == Mandate.Status.NEEDS_NEW_FORM for q in queued)
    assert FailureNotice.objects.filter(suppressed=False).count() == 3  # they are told, and get a payment slip
    assert Mandate.objects.filter(status=Mandate.Status.ACTIVE).count() == 3

    notices.do_mark_new_form_sent(queued[0], staff)
    assert NewFormRequest.objects.filter(status=NewFormRequest.Status.OPEN).count() == 2

    # next month: only the active mandates are debited
    for c in customers:
        Bill.objects.create(customer=c, period="2026-12", amount=3100, due_date=dt.date(2026, 12, 28))
    nxt = runs.do_create_run(dt.date(2026, 12, 28), staff)
    assert sorted(i.customer_number for i in nxt.items.all()) == sorted(c.number for c in customers[3:])
