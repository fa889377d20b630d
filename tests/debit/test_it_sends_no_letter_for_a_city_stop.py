"""Code 8 (委託者の都合による振替停止): no letter when the city stopped the mandate on purpose."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.debit.conftest import DEBIT_DATE
from yakuba.debit.actions import notices, reconciliation, runs, sending
from yakuba.debit.errors import DebitError
from yakuba.debit.models import FailureNotice, Mandate


@pytest.mark.django_db
def test_it_sends_no_letter_for_a_city_stop(staff, customers, bank, relay) -> None:  # type: ignore[no-untyped-def]
    stopped, unexpected = customers[0], customers[1]
    bank.codes = {stopped.number: "8", unexpected.number: "8"}
    run = runs.do_create_run(DEBIT_DATE, staff)
    sending.do_send_run(run, relay.client, staff)
    # the customer moved out: the city stopped the mandate (and asked the bank to stop the debit)
    notices.do_stop_mandate(Mandate.objects.get(customer=stopped), staff, on=dt.date(2026, 11, 20))
    reconciliation.do_receive_results(run, relay.client, staff, wait=30)

    quiet = FailureNotice.objects.get(item__bill__customer=stopped)
    assert quiet.suppressed and quiet.pdf is None
    with pytest.raises(DebitError):
        notices.do_notice_pdf(quiet, staff)
    assert not FailureNotice.objects.get(item__bill__customer=unexpected).suppressed  # a stop nobody asked for
    with pytest.raises(DebitError, match="印刷する不能通知がありません"):
        notices.do_print_notices([quiet], staff)
