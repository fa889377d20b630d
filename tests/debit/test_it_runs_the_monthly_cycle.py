"""The whole month: run → send → results → 消込 → notices → 再振替 (less a bill paid at the counter) → paid."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tests.debit.conftest import DEBIT_DATE
from yakuba.audit.models import AuditEntry
from yakuba.debit.actions import notices, reconciliation, runs, sending
from yakuba.debit.errors import DebitError
from yakuba.debit.models import Bill, DebitRun, FailureNotice, Mandate
from yakuba.vault import service as vault
from yakuba.zengin import codec


@pytest.mark.django_db
def test_it_runs_the_monthly_cycle(staff, customers, bank, relay) -> None:  # type: ignore[no-untyped-def]
    c = [x.number for x in customers]
    bank.codes = {c[0]: "1", c[1]: "1", c[2]: "9"}

    run = runs.do_create_run(DEBIT_DATE, staff)
    assert run.debit_date == DEBIT_DATE and run.status == DebitRun.Status.BUILT
    assert run.files.count() == 3 and run.items.count() == 6
    for f in run.files.all():  # encrypted at rest; the plaintext is a kind-91 file for one bank
        assert b"1234567" not in f.request.path.read_bytes()
        buf = io.BytesIO()
        vault.read(f.request, buf, user=staff)
        parsed = codec.parse(buf.getvalue())
        (batch,) = parsed.batches
        assert batch.header.debit_date == "1126"
        assert {r.bank_code for r in batch.records} == {f.bank_code}
        assert all(r.new_code == "1" for r in batch.records)  # first debit of each mandate
        assert batch.trailer.total_count == f.record_count == len(batch.records)

    report = sending.do_send_run(run, relay.client, staff)
    run.refresh_from_db()
    assert sorted(report.sent) == ["0001", "0005", "0009"] and run.status == DebitRun.Status.SENT
    assert all(f.upload_id for f in run.files.all())

    received = reconciliation.do_receive_results(run, relay.client, staff, wait=30, today=dt.date(2026, 11, 30))
    run.refresh_from_db()
    assert run.status == DebitRun.Status.RECONCILED and received.reconciled
    assert received.counts["0"] == 3 and received.counts["1"] == 2 and received.counts["9"] == 1
    paid = Bill.objects.filter(status=Bill.Status.PAID)
    assert sorted(b.customer.number for b in paid) == c[3:]
    assert all(b.paid_by == run and b.paid_on == DEBIT_DATE for b in paid)
    assert FailureNotice.objects.filter(suppressed=False).count() == 3
    assert not Mandate.objects.filter(first_debit=True).exists()
    totals = run.totals()
    assert totals["failed_count"] == 3 and totals["transferred_count"] == 3
    assert all(f.result_id and f.reconciled_at for f in run.files.all())

    # one customer with insufficient funds pays at the counter before the 再振替
    counter_bill = Bill.objects.get(customer__number=c[1])
    notices.do_mark_paid_manually(counter_bill, staff, paid_on=dt.date(2026, 12, 1))

    bank.codes = {}
    retry = runs.do_create_retry_run(run, dt.date(2026, 12, 10), staff)
    assert retry.kind == DebitRun.Kind.RETRY and retry.parent == run
    assert [i.customer_number for i in retry.items.all()] == [c[0]]  # not the code-9 one, not the one paid
    assert retry.items.get().new_code == "0"
    sending.do_send_run(retry, relay.client, staff)
    reconciliation.do_receive_results(retry, relay.client, staff, wait=30)
    bill = Bill.objects.get(customer__number=c[0])
    assert bill.status == Bill.Status.PAID and bill.paid_by == retry

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"debit.run.created", "debit.file.sent", "debit.result.received", "debit.run.reconciled",
            "debit.bill.paid_manually"} <= actions
    with pytest.raises(DebitError):
        runs.do_create_retry_run(run, dt.date(2026, 12, 10), staff)  # nothing left to retry
