"""The demo's water month: customers across 15 banks, one run reconciled, notices and a 再振替 (small here)."""

from __future__ import annotations

import pytest

from tests.debit.conftest import water_user
from yakuba.debit.demo import DEMO_BANKS, run_month
from yakuba.debit.models import Customer, DebitRun, FailureNotice


@pytest.mark.django_db
def test_it_builds_the_demo_month(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    result = run_month(water_user(), n=300)
    assert Customer.objects.count() == 300
    regular = DebitRun.objects.get(kind=DebitRun.Kind.REGULAR)
    assert regular.status == DebitRun.Status.RECONCILED and regular.files.count() == len(DEMO_BANKS)
    assert result["counts"]["0"] > 250
    assert FailureNotice.objects.count() == regular.totals()["failed_count"]
    assert DebitRun.objects.filter(kind=DebitRun.Kind.RETRY, parent=regular).exists()
    assert run_month(water_user(username="again")) == {}  # idempotent

    # the month's journal for the 財務会計 system balances and matches the 消込
    from yakuba.debit.actions.journal import do_post_journal
    from yakuba.debit.journal import balanced
    from yakuba.debit.models import DebitItem

    month = f"{regular.debit_date:%Y-%m}"
    lines, new, _ = do_post_journal(month)
    cleared = sum(DebitItem.objects.filter(run__debit_date__month=regular.debit_date.month, result_code="0",
                                           run__reconciled_at__isnull=False).values_list("amount", flat=True))
    received = sum(x.amount for x in lines if x.kind == "収納" and x.side == "貸方")
    assert balanced(lines) and new and received == cleared == regular.totals()["transferred_amount"]
