"""No double debit: a bill in an open run is refused, and a file the relay already has is not sent again."""

from __future__ import annotations

import io

import pytest

from tests.debit.conftest import DEBIT_DATE
from yakuba.debit.actions import runs, sending
from yakuba.debit.errors import DebitError
from yakuba.debit.models import Bill, DebitRun
from yakuba.vault import service as vault


@pytest.mark.django_db
def test_it_never_debits_a_bill_twice(staff, customers) -> None:  # type: ignore[no-untyped-def]
    run = runs.do_create_run(DEBIT_DATE, staff)
    with pytest.raises(DebitError, match="二重の引き落とし"):
        runs.do_create_run(DEBIT_DATE, staff, bills=[Bill.objects.first()])
    with pytest.raises(DebitError, match="対象となる料金がありません"):
        runs.do_create_run(DEBIT_DATE, staff)  # the default selection leaves them out
    assert DebitRun.objects.count() == 1 and run.items.count() == 6


@pytest.mark.django_db
def test_the_relay_duplicate_is_a_clear_message(staff, customers, relay) -> None:  # type: ignore[no-untyped-def]
    run = runs.do_create_run(DEBIT_DATE, staff)
    first = run.files.order_by("bank_code").first()
    buf = io.BytesIO()
    vault.read(first.request, buf, user=staff)
    relay.client.upload("sent-by-hand.txt", buf.getvalue())  # the same bytes went out some other way
    with pytest.raises(DebitError, match="既に送信されています"):
        sending.do_send_run(run, relay.client, staff)
    first.refresh_from_db()
    run.refresh_from_db()
    assert first.upload_id == "" and run.status == DebitRun.Status.BUILT
