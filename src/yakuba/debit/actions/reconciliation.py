"""消込: take a sent run's results in, check each against its request, then reconcile in one transaction.

    report = do_receive_results(run, client, user, wait=60)   # ReceiveReport(counts={"0": …, "notices": …})

A result that is not the answer to our request (other count, customer, amount, account, date, or
trailer totals) is refused before anything is written: the run stays as it was, and the refusal
is audited. A code 0 pays the bill (or flags a double payment when it was paid at the counter
meanwhile); codes 2/3/4 queue a new 口座振替依頼書; every failure of an unpaid bill gets a 不能通知,
except a code 8 for a mandate the city stopped on purpose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.audit.log import record
from yakuba.debit import codes
from yakuba.debit.actions.common import FILE_CATEGORIES, Progress, no_progress, store
from yakuba.debit.actions.notices import notice_terms
from yakuba.debit.actions.sending import fetch_results
from yakuba.debit.errors import DebitError
from yakuba.debit.models import (
    Bill,
    DebitFile,
    DebitRun,
    FailureNotice,
    Mandate,
    NewFormRequest,
)
from yakuba.vault.models import StoredObject
from yakuba.zengin import codec
from yakuba.zengin.errors import ZenginError
from yakuba.zengin.model import Record, ZenginFile

__all__ = ["ReceiveReport", "check_receive", "check_result", "do_receive_results"]


@dataclass
class ReceiveReport:
    received: list[str] = field(default_factory=list)
    reconciled: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def check_receive(run: DebitRun) -> None:
    """Only a sent run takes results in (its state is read afresh)."""
    run.refresh_from_db()
    if run.status == DebitRun.Status.BUILT:
        raise DebitError("この振替はまだ送信されていません。")
    if run.status == DebitRun.Status.RECONCILED:
        raise DebitError("この振替は既に消込済みです。")


# --- is this the answer to our request? --------------------------------------------------------


def _totals(records: list[Record]) -> tuple[int, ...]:
    done = [r for r in records if r.result_code == "0"]
    failed = [r for r in records if r.result_code != "0"]
    return (len(records), sum(r.amount for r in records), len(done), sum(r.amount for r in done),
            len(failed), sum(r.amount for r in failed))


def _check_trailers(where: str, dfile: DebitFile, parsed: ZenginFile, records: list[Record]) -> None:
    """The header's debit date and the trailers' totals agree with the records and the request."""
    for batch in parsed.batches:
        if batch.header.debit_date != dfile.run.debit_date.strftime("%m%d"):
            raise DebitError(f"{where}の引落日({batch.header.debit_date})が依頼と違います。消込は行っていません。")
    totals = _totals(records)
    t = [b.trailer for b in parsed.batches]
    stated = (sum(x.total_count for x in t), sum(x.total_amount for x in t), sum(x.transferred_count for x in t),
              sum(x.transferred_amount for x in t), sum(x.failed_count for x in t), sum(x.failed_amount for x in t))
    if stated != totals:
        raise DebitError(f"{where}のトレーラの合計(件数・金額・振替済み・振替不能)が明細と一致しません。消込は行っていません。")
    if totals[1] != dfile.total_amount:
        raise DebitError(f"{where}の合計金額が依頼と違います。消込は行っていません。")


def check_result(dfile: DebitFile, data: bytes) -> list[str]:
    """The result codes, in item order; DebitError when the result is not the answer to our request."""
    where = f"金融機関 {dfile.bank_code} の結果データ"
    items = list(dfile.items.order_by("position"))
    mandates = {m.pk: m for m in Mandate.objects.filter(pk__in={i.mandate_id for i in items})}
    try:
        parsed = codec.parse(data)
    except ZenginError as exc:
        raise DebitError(f"{where}を読めません: {exc}") from exc
    records = [r for b in parsed.batches for r in b.records]
    if len(records) != len(items):
        raise DebitError(f"{where}が依頼と一致しません: 件数が違います(依頼 {len(items)} 件、結果 {len(records)} 件)。"
                         f"消込は行っていません。")
    for n, (rec, item) in enumerate(zip(records, items), start=1):
        m = mandates[item.mandate_id]
        ours = (item.customer_number, item.amount, m.bank_code, m.branch_code, m.account_number)
        theirs = (rec.customer_number.strip(), rec.amount, rec.bank_code, rec.branch_code, rec.account_number)
        if ours != theirs:
            what = ("使用者番号" if ours[0] != theirs[0] else "金額" if ours[1] != theirs[1] else "口座")
            raise DebitError(f"{where}が依頼と一致しません: {n} 件目の{what}が違います。消込は行っていません。")
        if rec.result_code not in codes.RESULT_CODES:
            raise DebitError(f"{where}の {n} 件目の振替結果コード '{rec.result_code}' は定義されていません。"
                             f"消込は行っていません。")
    _check_trailers(where, dfile, parsed, records)
    return [r.result_code for r in records]


# --- 消込 -----------------------------------------------------------------------------------


def _store_result(run: DebitRun, dfile: DebitFile, data: bytes, result: list[str], user: Any) -> None:
    """Keep the result file (encrypted) and its totals on the file; audited."""
    stored = store(data, StoredObject.Kind.ZENGIN, user, categories=FILE_CATEGORIES, batch=f"debit-{run.pk}",
                   description=f"口座振替結果データ 振替{run.pk} 金融機関{dfile.bank_code}")
    amounts = [i.amount for i in dfile.items.order_by("position")]
    dfile.result, dfile.result_sha256, dfile.received_at = stored, hashlib.sha256(data).hexdigest(), timezone.now()
    dfile.transferred_count = sum(1 for c in result if c == "0")
    dfile.transferred_amount = sum(a for a, c in zip(amounts, result) if c == "0")
    dfile.failed_count = len(result) - dfile.transferred_count
    dfile.failed_amount = sum(amounts) - dfile.transferred_amount
    dfile.save()
    record("debit.result.received", actor=user, target=dfile, categories=FILE_CATEGORIES,
           detail={"run": run.pk, "sha256": dfile.result_sha256, "transferred": dfile.transferred_count,
                   "failed": dfile.failed_count})


def _reconcile(run: DebitRun, results: dict[int, list[str]], today: dt.date) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    now = timezone.now()
    first_seen: list[int] = []
    for dfile in run.files.all():
        if dfile.pk not in results:
            continue
        items = list(dfile.items.select_related("bill", "mandate").order_by("position"))
        for item, code in zip(items, results[dfile.pk]):
            item.result_code = code
            counts[code] += 1
            bill, mandate = item.bill, item.mandate
            if mandate.first_debit:
                first_seen.append(mandate.pk)
            if code == "0":
                if bill.status == Bill.Status.PAID:
                    item.double_payment = True  # paid at a counter meanwhile: a refund is due
                    counts["double"] += 1
                else:
                    bill.status, bill.paid_on, bill.paid_by = Bill.Status.PAID, run.debit_date, run
                    bill.save(update_fields=["status", "paid_on", "paid_by"])
            elif code in codes.NEW_FORM_CODES:
                if mandate.status == Mandate.Status.ACTIVE:
                    mandate.status = Mandate.Status.NEEDS_NEW_FORM
                    mandate.save(update_fields=["status"])
                NewFormRequest.objects.create(mandate=mandate, item=item, result_code=code, created_at=now)
            if code != "0" and bill.status == Bill.Status.UNPAID:
                city_stop = code == codes.CITY_STOP and mandate.status == Mandate.Status.STOPPED
                FailureNotice.objects.create(item=item, created_at=now, suppressed=city_stop,
                                             **notice_terms(item, today))
                counts["suppressed" if city_stop else "notices"] += 1
            item.save(update_fields=["result_code", "double_payment"])
        dfile.reconciled_at = now
        dfile.save(update_fields=["reconciled_at"])
    if first_seen:
        Mandate.objects.filter(pk__in=first_seen).update(first_debit=False)
    return dict(counts)


def do_receive_results(run: DebitRun, client: Any, user: Any = None, *, today: dt.date | None = None,
                       wait: float = 0, progress: Progress = no_progress) -> ReceiveReport:
    """Fetch each sent file's result, check it against the request, then reconcile (消込).

    All results are checked before anything is written; the result files, the 消込, the
    new-form requests, the notices and the audit entries are written in one transaction, so a
    mismatching result changes nothing. `wait`: seconds to wait for each result (0: ask once).
    """
    check_receive(run)
    today = today or timezone.localdate()
    fetched = fetch_results(run, client, wait=wait, progress=progress)
    results: dict[int, list[str]] = {}
    for dfile, data in fetched:
        try:
            results[dfile.pk] = check_result(dfile, data)
        except DebitError as exc:
            record("debit.result.refused", actor=user, target=dfile, detail={"run": run.pk, "error": str(exc)[:300]})
            raise
    report = ReceiveReport()
    with transaction.atomic():
        run = DebitRun.objects.select_for_update().get(pk=run.pk)
        if run.status != DebitRun.Status.SENT:
            raise DebitError("この振替は既に消込済みです。")
        for dfile, data in fetched:
            _store_result(run, dfile, data, results[dfile.pk], user)
            report.received.append(dfile.bank_code)
        report.counts = _reconcile(run, results, today)
        run.status, run.reconciled_at = DebitRun.Status.RECONCILED, timezone.now()
        run.save(update_fields=["status", "reconciled_at"])
        report.reconciled = True
        record("debit.run.reconciled", actor=user, target=run, detail={"counts": report.counts})
    return report
