"""The month's journal for the 財務会計 system (`yakuba.debit.journal`): 調定 of the month's bills, 収納 of
each reconciled 口座振替 day, checked against the kind-91 results (what the bank said it transferred),
balanced, and recorded per batch so that the same source is posted once."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction

from yakuba.audit.log import record
from yakuba.debit.errors import DebitError
from yakuba.debit.journal import Line, balanced, billing_lines, collection_lines, load_chart
from yakuba.debit.models import Bill, DebitFile, DebitItem, DebitRun, JournalBatch

__all__ = ["month_lines", "do_post_journal"]

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _month(text: str) -> tuple[dt.date, dt.date]:
    found = MONTH.match(str(text))
    if not found:
        raise DebitError(f"月は YYYY-MM で指定してください (give the month as YYYY-MM): {str(text)[:20]}", where="month")
    first = dt.date(int(found.group(1)), int(found.group(2)), 1)
    after = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, after


def month_lines(month: str) -> list[Line]:
    """The journal lines of `month`: `DebitError` when a day's 消込 does not match its kind-91 results."""
    from yakuba.cityprofile.load import current

    first, after = _month(month)
    chart = load_chart(current().folder / "accounting.toml")
    bills = list(Bill.objects.filter(period=month).order_by("pk").values_list("pk", "amount"))
    lines = billing_lines(first, [(str(pk), amount) for pk, amount in bills], chart, period=month)
    runs = DebitRun.objects.filter(debit_date__gte=first, debit_date__lt=after, reconciled_at__isnull=False)
    for day in sorted(set(runs.values_list("debit_date", flat=True))):
        day_runs = runs.filter(debit_date=day)
        items = list(DebitItem.objects.filter(run__in=day_runs, result_code="0").order_by("pk")
                     .values_list("pk", "amount", "double_payment"))
        banked = sum(DebitFile.objects.filter(run__in=day_runs).values_list("transferred_amount", flat=True))
        cleared = sum(amount for _, amount, _ in items)
        if cleared != banked:
            raise DebitError(f"{day.isoformat()}: 消込の合計 {cleared:,}円 が振替結果の合計 {banked:,}円 と一致しません"
                             f" (the cleared items do not add up to the bank's results)", where=day.isoformat())
        lines += collection_lines(day, [(str(pk), amount, double) for pk, amount, double in items], chart)
    if not balanced(lines):
        raise DebitError("仕訳の借方と貸方が一致しません (the journal does not balance)", where=month)
    return lines


def do_post_journal(month: str, *, actor: Any = None) -> tuple[list[Line], list[str], list[str]]:
    """The month's lines, and the batches: new ones recorded now, and those posted before (unchanged)."""
    lines = month_lines(month)
    batches: dict[str, list[Line]] = {}
    for line in lines:
        batches.setdefault(line.batch, []).append(line)
    new, before = [], []
    with transaction.atomic():
        known = set(JournalBatch.objects.filter(batch__in=list(batches)).values_list("batch", flat=True))
        for batch, group in batches.items():
            if batch in known:
                before.append(batch)
                continue
            JournalBatch.objects.create(batch=batch, kind=group[0].kind, day=group[0].date, month=month,
                                        total=sum(x.amount for x in group if x.side == "借方"), lines=len(group))
            new.append(batch)
        record("debit.journal.posted", actor=actor, target_type="debit.journalbatch", target_id=month,
               detail={"month": month, "new": new, "posted_before": before, "lines": len(lines)})
    return lines, new, before
