"""A result that is not the answer to our request is refused, and nothing changes (one transaction)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.debit.conftest import DEBIT_DATE
from yakuba.debit.actions import reconciliation, runs, sending
from yakuba.debit.errors import DebitError
from yakuba.debit.models import Bill, DebitRun, FailureNotice, NewFormRequest
from yakuba.zengin import codec


def _tampering(change):  # type: ignore[no-untyped-def]
    """A bank that answers with a result changed by `change(records) -> records`."""
    from yakuba.zengin.bank import simulate

    def bank(request: bytes) -> bytes:
        parsed = codec.parse(simulate(request))
        batch = parsed.batches[0]
        records = change(list(batch.records))
        done = [r for r in records if r.result_code == "0"]
        failed = [r for r in records if r.result_code != "0"]
        trailer = dataclasses.replace(batch.trailer, total_count=len(records), total_amount=sum(r.amount for r in records),
                                      transferred_count=len(done), transferred_amount=sum(r.amount for r in done),
                                      failed_count=len(failed), failed_amount=sum(r.amount for r in failed))
        batch = dataclasses.replace(batch, records=tuple(records), trailer=trailer)
        return codec.build(dataclasses.replace(parsed, batches=(batch,)))

    return bank


CHANGES = {
    "amount": lambda rs: [dataclasses.replace(rs[0], amount=rs[0].amount + 1)] + rs[1:],
    "customer": lambda rs: [dataclasses.replace(rs[0], customer_number="999999")] + rs[1:],
    "count": lambda rs: rs[:-1],
}


@pytest.mark.django_db
@pytest.mark.parametrize("what", sorted(CHANGES))
def test_it_refuses_a_mismatched_result(what: str, staff, customers, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from yakuba.relay.testing import running_relay

    run = runs.do_create_run(DEBIT_DATE, staff)
    with running_relay(tmp_path, bank=_tampering(CHANGES[what])) as relay:
        sending.do_send_run(run, relay.client, staff)
        with pytest.raises(DebitError, match="一致しません") as refused:
            reconciliation.do_receive_results(run, relay.client, staff, wait=30)
    assert "消込は行っていません" in str(refused.value)
    run.refresh_from_db()
    assert run.status == DebitRun.Status.SENT
    assert not Bill.objects.filter(status=Bill.Status.PAID).exists()
    assert not run.items.exclude(result_code="").exists()
    assert not run.files.filter(result__isnull=False).exists()
    assert not FailureNotice.objects.exists() and not NewFormRequest.objects.exists()


@pytest.mark.django_db
def test_a_tampered_trailer_is_refused(staff, customers, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from yakuba.relay.testing import running_relay
    from yakuba.zengin.bank import simulate

    def bank(request: bytes) -> bytes:
        parsed = codec.parse(simulate(request))
        batch = parsed.batches[0]
        trailer = dataclasses.replace(batch.trailer, transferred_amount=batch.trailer.transferred_amount + 100)
        return codec.build(dataclasses.replace(parsed, batches=(dataclasses.replace(batch, trailer=trailer),)))

    run = runs.do_create_run(DEBIT_DATE, staff)
    with running_relay(tmp_path, bank=bank) as relay:
        sending.do_send_run(run, relay.client, staff)
        with pytest.raises(DebitError):
            reconciliation.do_receive_results(run, relay.client, staff, wait=30)
    assert not Bill.objects.filter(status=Bill.Status.PAID).exists()
