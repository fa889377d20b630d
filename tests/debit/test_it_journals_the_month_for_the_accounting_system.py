"""The month's journal for the 財務会計 system: 調定 of the month's bills (給水収益 and 仮受消費税 out of the
tax-included charges) and 収納 of each reconciled 口座振替 day, debit 現金預金 / credit 営業未収金. Every
batch balances; the 収納 equals what was cleared (消込) and what the kind-91 results say; posting again
records nothing new and writes the same lines; a 消込 that disagrees with the results is refused."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from tests.debit.conftest import DEBIT_DATE
from yakuba.audit.models import AuditEntry
from yakuba.debit.actions import reconciliation, runs, sending
from yakuba.debit.actions.journal import do_post_journal
from yakuba.debit.errors import DebitError
from yakuba.debit.journal import balanced, tax_in, to_csv
from yakuba.debit.models import Bill, DebitFile, DebitItem, JournalBatch


@pytest.mark.django_db
def test_it_works(staff, customers, bank, relay) -> None:  # type: ignore[no-untyped-def]
    bank.codes = {customers[0].number: "1"}
    run = runs.do_create_run(DEBIT_DATE, staff)
    sending.do_send_run(run, relay.client, staff)
    reconciliation.do_receive_results(run, relay.client, staff, wait=30, today=dt.date(2026, 11, 30))

    lines, new, before = do_post_journal("2026-11", actor=staff)
    assert balanced(lines) and before == [] and len(new) == 2
    billed = sum(Bill.objects.filter(period="2026-11").values_list("amount", flat=True))
    cleared = sum(DebitItem.objects.filter(run=run, result_code="0").values_list("amount", flat=True))
    banked = sum(DebitFile.objects.filter(run=run).values_list("transferred_amount", flat=True))
    by = {(line.kind, line.side, line.account.name): line.amount for line in lines}
    assert by[("調定", "借方", "営業未収金")] == billed
    assert by[("調定", "貸方", "仮受消費税")] == tax_in(billed, 10) and by[("調定", "貸方", "給水収益")] == billed - tax_in(billed, 10)
    assert by[("収納", "借方", "現金預金")] == by[("収納", "貸方", "営業未収金")] == cleared == banked
    assert {line.date for line in lines if line.kind == "収納"} == {DEBIT_DATE}
    assert {line.date for line in lines if line.kind == "調定"} == {dt.date(2026, 11, 1)}

    rows = list(csv.reader(io.StringIO(to_csv(lines).decode("utf-8-sig"))))
    assert rows[0][:3] == ["伝票日付", "バッチID", "行番号"] and len(rows) == 1 + len(lines)
    assert all(r[7].isdigit() for r in rows[1:])  # amounts in yen, no separators for the importer

    again, new_again, before_again = do_post_journal("2026-11", actor=staff)
    assert new_again == [] and sorted(before_again) == sorted(new) and to_csv(again) == to_csv(lines)
    assert JournalBatch.objects.count() == 2
    assert AuditEntry.objects.filter(action="debit.journal.posted").count() == 2


@pytest.mark.django_db
def test_a_clearing_that_disagrees_with_the_results_is_refused(staff, customers, bank, relay) -> None:  # type: ignore[no-untyped-def]
    run = runs.do_create_run(DEBIT_DATE, staff)
    sending.do_send_run(run, relay.client, staff)
    reconciliation.do_receive_results(run, relay.client, staff, wait=30, today=dt.date(2026, 11, 30))
    DebitFile.objects.filter(pk=run.files.first().pk).update(transferred_amount=1)
    with pytest.raises(DebitError) as caught:
        do_post_journal("2026-11", actor=staff)
    assert "消込の合計" in caught.value.one_line() and not JournalBatch.objects.exists()


@pytest.mark.django_db
def test_a_bad_month_is_one_line() -> None:
    with pytest.raises(DebitError) as caught:
        do_post_journal("2026-13")
    assert "YYYY-MM" in caught.value.one_line()
