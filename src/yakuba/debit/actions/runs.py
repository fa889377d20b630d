"""Create a run: one kind-91 file per bank for the unpaid bills due (本振替), or for the code-1
items of a reconciled run (再振替). A date the banks are closed moves to the next business day.

    run = do_create_run(date(2026, 11, 26), user)                 # files encrypted at rest
    retry = do_create_retry_run(run, date(2026, 12, 10), user)    # after the 消込
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from typing import Any, Iterable, Sequence

from django.db import transaction

from yakuba.audit.log import record
from yakuba.debit import codes
from yakuba.debit.actions.common import (
    FILE_CATEGORIES,
    Progress,
    no_progress,
    store,
    zengin_text,
)
from yakuba.debit.business_days import next_business_day
from yakuba.debit.config import consignor
from yakuba.debit.errors import DebitError
from yakuba.debit.models import Bill, DebitFile, DebitItem, DebitRun, Mandate
from yakuba.vault.models import StoredObject
from yakuba.zengin import banks, codec
from yakuba.zengin.errors import ZenginError
from yakuba.zengin.model import Batch, Header, Layout, Record, Trailer, ZenginFile

Pair = tuple[Bill, Mandate]

__all__ = [
    "can_retry",
    "check_create_run",
    "check_retry_run",
    "do_create_retry_run",
    "do_create_run",
    "holiday_note",
]


# --- what a run debits ------------------------------------------------------------------------


def _eligible_bills(debit_date: dt.date) -> Iterable[Bill]:
    """Unpaid bills due by the debit date whose customer has an active mandate, never debited before."""
    return (Bill.objects.filter(status=Bill.Status.UNPAID, due_date__lte=debit_date,
                                customer__mandates__status=Mandate.Status.ACTIVE)
            .exclude(items__isnull=False).select_related("customer").distinct().order_by("customer__number", "period"))


def _active_mandate(bill: Bill) -> Mandate | None:
    return bill.customer.mandates.filter(status=Mandate.Status.ACTIVE).order_by("-received_on", "-pk").first()


def _in_open_run(bill_ids: Sequence[int]) -> list[int]:
    return list(DebitItem.objects.filter(bill_id__in=bill_ids, run__status__in=DebitRun.OPEN)
                .values_list("bill_id", flat=True))


def check_create_run(debit_date: dt.date, bills: Sequence[Bill] | None = None) -> list[Pair]:
    """The (bill, mandate) pairs a run on `debit_date` would debit, or DebitError. Changes nothing.

    `bills` (optional) names the bills to debit; one already in an open run, or paid, is refused,
    so nothing is debited twice. Without it: the unpaid bills due by the next business day.
    """
    actual = next_business_day(debit_date)
    if bills is None:
        chosen = list(_eligible_bills(actual))
    else:
        chosen = list(Bill.objects.filter(pk__in=[b.pk for b in bills]).select_related("customer")
                      .order_by("customer__number", "period"))
        busy = _in_open_run([b.pk for b in chosen])
        if busy:
            raise DebitError(f"料金 {len(busy)} 件は既に送信前または結果待ちの振替に含まれているため、"
                             f"二重の引き落としを防ぐため作成を取りやめました(料金番号 {busy[0]} ほか)。")
        paid = [b.pk for b in chosen if b.status == Bill.Status.PAID]
        if paid:
            raise DebitError(f"料金 {len(paid)} 件は収納済みです(料金番号 {paid[0]} ほか)。")
    pairs = []
    for bill in chosen:
        mandate = _active_mandate(bill)
        if mandate is not None:
            pairs.append((bill, mandate))
    if not pairs:
        raise DebitError("振替の対象となる料金がありません(未納で納期限が到来し、口座振替依頼が有効なもの)。")
    return pairs


def check_retry_run(run: DebitRun, retry_date: dt.date) -> tuple[list[Pair], int]:
    """The pairs a 再振替 of `run` on `retry_date` would debit, and how many code-1 items it skips
    (paid since, in another open run, or no active mandate). Changes nothing."""
    if run.status != DebitRun.Status.RECONCILED:
        raise DebitError("再振替は、元の振替の結果を消込んでから作成してください。")
    if next_business_day(retry_date) <= run.debit_date:
        raise DebitError(f"再振替の引落日は元の引落日({run.debit_date:%Y-%m-%d})より後の日にしてください。")
    if run.retries.filter(status__in=DebitRun.OPEN).exists():
        raise DebitError("この振替の再振替は既に作成されています(送信前または結果待ち)。")
    items = (run.items.filter(result_code__in=codes.RETRY_CODES, bill__status=Bill.Status.UNPAID)
             .select_related("bill__customer").order_by("customer_number"))
    busy = set(_in_open_run([i.bill_id for i in items]))
    pairs, skipped = [], 0
    for item in items:
        mandate = _active_mandate(item.bill)
        if item.bill_id in busy or mandate is None:
            skipped += 1
            continue
        pairs.append((item.bill, mandate))
    if not pairs:
        raise DebitError("再振替の対象となる料金がありません(資金不足で、その後も未納のもの)。")
    return pairs, skipped


def can_retry(run: DebitRun) -> bool:
    """Whether the screen offers a 再振替: reconciled, with code-1 items still unpaid."""
    return (run.status == DebitRun.Status.RECONCILED
            and run.items.filter(result_code__in=codes.RETRY_CODES, bill__status=Bill.Status.UNPAID).exists())


def holiday_note(run: DebitRun) -> str | None:
    """What to tell staff when the day asked for was a bank holiday (None when it was not)."""
    if run.debit_date == run.requested_date:
        return None
    return f"{run.requested_date:%Y-%m-%d} は金融機関の休業日のため、引落日を {run.debit_date:%Y-%m-%d} にしました。"


# --- building the files -----------------------------------------------------------------------


def _bank_names(bank_code: str, branch_code: str) -> tuple[str, str]:
    """The bank's and branch's names in 全銀 kana, from the zengin-code master (blank when unknown)."""
    try:
        bank = banks.bank_name(bank_code) or ""
    except Exception:  # noqa: BLE001 - an unknown code leaves the optional name blank
        bank = ""
    try:
        branch = banks.branch_name(bank_code, branch_code) or ""
    except Exception:  # noqa: BLE001
        branch = ""
    return bank, branch  # already in 全銀 kana, at most 15 characters


def _records(rows: list[Pair]) -> list[Record]:
    names: dict[tuple[str, str], tuple[str, str]] = {}
    records = []
    for bill, mandate in rows:
        key = (mandate.bank_code, mandate.branch_code)
        if key not in names:
            names[key] = _bank_names(*key)
        records.append(Record(
            bank_code=mandate.bank_code, branch_code=mandate.branch_code,
            bank_name=names[key][0], branch_name=names[key][1],
            account_type=mandate.account_type, account_number=mandate.account_number,
            name=zengin_text(mandate.holder_kana, 30), amount=bill.amount,
            customer_number=bill.customer.number, new_code="1" if mandate.first_debit else "0",
        ))
    return records


def _build_files(run: DebitRun, pairs: list[Pair], user: Any, progress: Progress) -> None:
    """Group (bill, mandate) by bank, build and store one kind-91 file per bank, record the items."""
    cfg = consignor()
    by_bank: dict[str, list[Pair]] = defaultdict(list)
    for bill, mandate in pairs:
        by_bank[mandate.bank_code].append((bill, mandate))
    header_base = dict(
        consignor_code=cfg.code, consignor_name=zengin_text(cfg.name, 40), debit_date=run.debit_date.strftime("%m%d"),
        account_type=cfg.account_type, account_number=cfg.account_number,
    )
    done, total = 0, len(pairs)
    for bank_code in sorted(by_bank):
        rows = by_bank[bank_code]
        branch = cfg.branches.get(bank_code, cfg.branch_code)
        bank_name, branch_name = _bank_names(bank_code, branch)
        header = Header(bank_code=bank_code, branch_code=branch, bank_name=bank_name, branch_name=branch_name,
                        **header_base)
        records = _records(rows)
        trailer = Trailer(total_count=len(records), total_amount=sum(r.amount for r in records))
        try:
            data = codec.build(ZenginFile(batches=(Batch(header, tuple(records), trailer),), layout=Layout()))
        except ZenginError as exc:
            raise DebitError(f"金融機関 {bank_code} の振替データを作成できません: {exc}") from exc
        stored = store(data, StoredObject.Kind.ZENGIN, user, categories=FILE_CATEGORIES, batch=f"debit-{run.pk}",
                       description=f"口座振替依頼データ 振替{run.pk} 金融機関{bank_code}")
        dfile = DebitFile.objects.create(
            run=run, bank_code=bank_code, name=f"debit-{run.pk:05d}-{run.debit_date:%Y%m%d}-{bank_code}.txt",
            request=stored, sha256=hashlib.sha256(data).hexdigest(),
            record_count=trailer.total_count, total_amount=trailer.total_amount)
        DebitItem.objects.bulk_create([
            DebitItem(run=run, file=dfile, bill=bill, mandate=mandate, customer_number=bill.customer.number,
                      amount=bill.amount, position=i, new_code=rec.new_code)
            for i, ((bill, mandate), rec) in enumerate(zip(rows, records), start=1)
        ])
        done += len(rows)
        progress(done, total, f"金融機関 {bank_code} の振替データを作成しました")


def _new_run(kind: str, requested: dt.date, user: Any, parent: DebitRun | None = None) -> DebitRun:
    return DebitRun.objects.create(kind=kind, requested_date=requested, debit_date=next_business_day(requested),
                                   parent=parent, created_by=user)


# --- the actions ------------------------------------------------------------------------------


def do_create_run(debit_date: dt.date, user: Any, *, bills: Sequence[Bill] | None = None,
                  progress: Progress = no_progress) -> DebitRun:
    """A regular run on `debit_date` (moved to the next business day) for the unpaid bills due
    (or `bills`, see :func:`check_create_run`). Files, items and audit in one transaction."""
    with transaction.atomic():
        pairs = check_create_run(debit_date, bills)
        run = _new_run(DebitRun.Kind.REGULAR, debit_date, user)
        _build_files(run, pairs, user, progress)
        record("debit.run.created", actor=user, target=run, categories=FILE_CATEGORIES,
               detail={"kind": run.kind, "debit_date": run.debit_date.isoformat(),
                       "requested_date": debit_date.isoformat(), "items": len(pairs), "files": run.files.count()})
    return run


def do_create_retry_run(run: DebitRun, retry_date: dt.date, user: Any, *,
                        progress: Progress = no_progress) -> DebitRun:
    """A 再振替 run for the parent's code-1 items whose bills are still unpaid and not in an open run."""
    with transaction.atomic():
        run = DebitRun.objects.select_for_update().get(pk=run.pk)
        pairs, skipped = check_retry_run(run, retry_date)
        retry = _new_run(DebitRun.Kind.RETRY, retry_date, user, parent=run)
        _build_files(retry, pairs, user, progress)
        record("debit.run.created", actor=user, target=retry, categories=FILE_CATEGORIES,
               detail={"kind": retry.kind, "parent": run.pk, "debit_date": retry.debit_date.isoformat(),
                       "items": len(pairs), "skipped": skipped})
    return retry
