"""The monthly debit cycle: build a run, send it, receive the results, reconcile, retry, notices.

    run = create_run(date(2026, 11, 26), user)        # one kind-91 file per bank, encrypted at rest
    send_run(run, client, user)                       # through the relay (RelayClient)
    receive_results(run, client, user)                # check, then 消込 in one transaction
    retry = create_retry_run(run, date(2026, 12, 10), user)   # 再振替 of the code-1 items

Each step is audited (ids and counts, never names). Errors for the user are `DebitError` with a
Japanese message; a failing step leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from yakuba.errors import YakubaError
from yakuba.accounts.models import Organisation
from yakuba.audit.log import record
from yakuba.debit import codes
from yakuba.debit.business_days import next_business_day, wareki
from yakuba.debit.config import ORGANISATION, consignor
from yakuba.debit.models import Bill, DebitFile, DebitItem, DebitRun, FailureNotice, Mandate, NewFormRequest
from yakuba.vault import service as vault
from yakuba.vault.models import StoredObject
from yakuba.zengin import codec
from yakuba.zengin.errors import ZenginError
from yakuba.zengin.model import Batch, Header, Layout, Record, Trailer, ZenginFile

FILE_CATEGORIES = ["name", "bank_account", "identifier"]
NOTICE_CATEGORIES = ["name", "address", "identifier"]

Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, message: str) -> None:
    pass


class DebitError(YakubaError):
    """A step of the debit cycle refused; `str()` is one Japanese line for the user."""


def water_organisation() -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        code=ORGANISATION, defaults={"name": "上下水道総務課", "kind": Organisation.Kind.CITY_DEPARTMENT})
    return org


def _read(obj: StoredObject, user: Any) -> bytes:
    buf = io.BytesIO()
    vault.read(obj, buf, user=user)
    return buf.getvalue()


def _bank_names(bank_code: str, branch_code: str) -> tuple[str, str]:
    """The bank's and branch's names in 全銀 kana, from the zengin-code master (blank when unknown)."""
    from yakuba.zengin import banks

    try:
        bank = banks.bank_name(bank_code) or ""
    except Exception:  # noqa: BLE001 - an unknown code leaves the optional name blank
        bank = ""
    try:
        branch = banks.branch_name(bank_code, branch_code) or ""
    except Exception:  # noqa: BLE001
        branch = ""
    return bank, branch  # already in 全銀 kana, at most 15 characters


def _zengin_text(text: str, width: int) -> str:
    from yakuba.zengin import kana

    return kana.to_zengin(text or "", width=width).text


# --- building a run -------------------------------------------------------------------------


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


def _build_files(run: DebitRun, pairs: list[tuple[Bill, Mandate]], user: Any, progress: Progress) -> None:
    """Group (bill, mandate) by bank, build and store one kind-91 file per bank, record the items."""
    cfg = consignor()
    org = water_organisation()
    by_bank: dict[str, list[tuple[Bill, Mandate]]] = defaultdict(list)
    for bill, mandate in pairs:
        by_bank[mandate.bank_code].append((bill, mandate))
    header_base = dict(
        consignor_code=cfg.code, consignor_name=_zengin_text(cfg.name, 40), debit_date=run.debit_date.strftime("%m%d"),
        account_type=cfg.account_type, account_number=cfg.account_number,
    )
    done, total = 0, len(pairs)
    for bank_code in sorted(by_bank):
        rows = by_bank[bank_code]
        branch = cfg.branches.get(bank_code, cfg.branch_code)
        bank_name, branch_name = _bank_names(bank_code, branch)
        header = Header(bank_code=bank_code, branch_code=branch, bank_name=bank_name, branch_name=branch_name,
                        **header_base)
        records = []
        names: dict[tuple[str, str], tuple[str, str]] = {}
        for bill, mandate in rows:
            key = (mandate.bank_code, mandate.branch_code)
            if key not in names:
                names[key] = _bank_names(*key)
            records.append(Record(
                bank_code=mandate.bank_code, branch_code=mandate.branch_code,
                bank_name=names[key][0], branch_name=names[key][1],
                account_type=mandate.account_type, account_number=mandate.account_number,
                name=_zengin_text(mandate.holder_kana, 30), amount=bill.amount,
                customer_number=bill.customer.number, new_code="1" if mandate.first_debit else "0",
            ))
        trailer = Trailer(total_count=len(records), total_amount=sum(r.amount for r in records))
        try:
            data = codec.build(ZenginFile(batches=(Batch(header, tuple(records), trailer),), layout=Layout()))
        except ZenginError as exc:
            raise DebitError(f"金融機関 {bank_code} の振替データを作成できません: {exc}") from exc
        name = f"debit-{run.pk:05d}-{run.debit_date:%Y%m%d}-{bank_code}.txt"
        stored = vault.store(io.BytesIO(data), kind=StoredObject.Kind.ZENGIN, organisation=org, user=user,
                             description=f"口座振替依頼データ 振替{run.pk} 金融機関{bank_code}",
                             categories=FILE_CATEGORIES, batch=f"debit-{run.pk}")
        dfile = DebitFile.objects.create(
            run=run, bank_code=bank_code, name=name, request=stored, sha256=hashlib.sha256(data).hexdigest(),
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


def create_run(debit_date: dt.date, user: Any, *, bills: Sequence[Bill] | None = None,
               progress: Progress = _no_progress) -> DebitRun:
    """A regular run on `debit_date` (moved to the next business day) for the unpaid bills due.

    `bills` (optional) names the bills to debit; one already in an open run is refused, so
    nothing is debited twice. Everything (files, items, audit) is written in one transaction.
    """
    with transaction.atomic():
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
        run = _new_run(DebitRun.Kind.REGULAR, debit_date, user)
        _build_files(run, pairs, user, progress)
        record("debit.run.created", actor=user, target=run, categories=FILE_CATEGORIES,
               detail={"kind": run.kind, "debit_date": run.debit_date.isoformat(),
                       "requested_date": debit_date.isoformat(), "items": len(pairs), "files": run.files.count()})
    return run


def create_retry_run(run: DebitRun, retry_date: dt.date, user: Any, *, progress: Progress = _no_progress) -> DebitRun:
    """A 再振替 run for the parent's code-1 items whose bills are still unpaid and not in an open run."""
    with transaction.atomic():
        run = DebitRun.objects.select_for_update().get(pk=run.pk)
        if run.status != DebitRun.Status.RECONCILED:
            raise DebitError("再振替は、元の振替の結果を消込んでから作成してください。")
        actual = next_business_day(retry_date)
        if actual <= run.debit_date:
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
        retry = _new_run(DebitRun.Kind.RETRY, retry_date, user, parent=run)
        _build_files(retry, pairs, user, progress)
        record("debit.run.created", actor=user, target=retry, categories=FILE_CATEGORIES,
               detail={"kind": retry.kind, "parent": run.pk, "debit_date": retry.debit_date.isoformat(),
                       "items": len(pairs), "skipped": skipped})
    return retry


# --- sending --------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


def send_run(run: DebitRun, client: Any, user: Any = None) -> SendReport:
    """Upload each unsent file through the relay; each file's upload id is saved as soon as it is sent.

    A file the relay already holds (same content sent before) is refused with a clear message:
    it is not forwarded to the bank again, and it is not marked sent.
    """
    from yakuba.relay.errors import RelayError

    run.refresh_from_db()
    if run.status == DebitRun.Status.RECONCILED:
        raise DebitError("この振替は消込済みです。送信できません。")
    report = SendReport()
    for dfile in run.files.order_by("bank_code"):
        if dfile.upload_id:
            report.already.append(dfile.bank_code)
            continue
        data = _read(dfile.request, user)
        try:
            upload = client.upload(dfile.name, data)
        except RelayError as exc:
            record("debit.file.send_failed", actor=user, target=dfile, detail={"run": run.pk, "error": str(exc)[:200]})
            raise DebitError(f"金融機関 {dfile.bank_code} の振替データを送信できませんでした: {exc}") from exc
        if upload.duplicate:
            record("debit.file.duplicate", actor=user, target=dfile,
                   detail={"run": run.pk, "upload_id": upload.id, "sha256": upload.sha256})
            raise DebitError(f"金融機関 {dfile.bank_code} の振替データ({dfile.name})と同じ内容が既に送信されています"
                             f"(送信ID {upload.id})。二重の引き落としを防ぐため、中継サーバーは転送していません。"
                             f"送信済みの振替を確認してください。")
        with transaction.atomic():
            dfile.upload_id, dfile.sent_at = upload.id, timezone.now()
            dfile.save(update_fields=["upload_id", "sent_at"])
            record("debit.file.sent", actor=user, target=dfile, categories=FILE_CATEGORIES,
                   detail={"run": run.pk, "upload_id": upload.id, "sha256": upload.sha256, "records": dfile.record_count})
        report.sent.append(dfile.bank_code)
    with transaction.atomic():
        if not run.files.filter(upload_id="").exists() and run.status == DebitRun.Status.BUILT:
            run.status, run.sent_at = DebitRun.Status.SENT, timezone.now()
            run.save(update_fields=["status", "sent_at"])
            record("debit.run.sent", actor=user, target=run, detail={"files": run.files.count()})
    return report


# --- results and reconciliation (消込) --------------------------------------------------------


@dataclass
class ReceiveReport:
    received: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    reconciled: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def _check_result(dfile: DebitFile, items: list[DebitItem], mandates: dict[int, Mandate], data: bytes) -> list[str]:
    """The result codes, in item order; DebitError when the result is not the answer to our request."""
    where = f"金融機関 {dfile.bank_code} の結果データ"
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
    done = [r for r in records if r.result_code == "0"]
    failed = [r for r in records if r.result_code != "0"]
    totals = (len(records), sum(r.amount for r in records), len(done), sum(r.amount for r in done),
              len(failed), sum(r.amount for r in failed))
    for batch in parsed.batches:
        if batch.header.debit_date != dfile.run.debit_date.strftime("%m%d"):
            raise DebitError(f"{where}の引落日({batch.header.debit_date})が依頼と違います。消込は行っていません。")
    t = [b.trailer for b in parsed.batches]
    stated = (sum(x.total_count for x in t), sum(x.total_amount for x in t), sum(x.transferred_count for x in t),
              sum(x.transferred_amount for x in t), sum(x.failed_count for x in t), sum(x.failed_amount for x in t))
    if stated != totals:
        raise DebitError(f"{where}のトレーラの合計(件数・金額・振替済み・振替不能)が明細と一致しません。消込は行っていません。")
    if totals[1] != dfile.total_amount:
        raise DebitError(f"{where}の合計金額が依頼と違います。消込は行っていません。")
    return [r.result_code for r in records]


def _notice_terms(item: DebitItem, today: dt.date) -> dict[str, Any]:
    due = next_business_day(today + dt.timedelta(days=consignor().notice_days))
    base = f"{item.customer_number}{item.bill.period.replace('-', '')}{item.run_id % 100:02d}"
    check = sum(int(c) * (i % 2 + 1) for i, c in enumerate(base) if c.isdigit()) % 10
    return {"notice_date": today, "payment_due": due, "payment_number": f"{base}{check}"}


def _reconcile(run: DebitRun, results: dict[int, list[str]], user: Any, today: dt.date) -> dict[str, int]:
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
                                             **_notice_terms(item, today))
                counts["suppressed" if city_stop else "notices"] += 1
            item.save(update_fields=["result_code", "double_payment"])
        dfile.reconciled_at = now
        dfile.save(update_fields=["reconciled_at"])
    if first_seen:
        Mandate.objects.filter(pk__in=first_seen).update(first_debit=False)
    return dict(counts)


def receive_results(run: DebitRun, client: Any, user: Any = None, *, today: dt.date | None = None,
                    wait: float = 0, progress: Progress = _no_progress) -> ReceiveReport:
    """Fetch each sent file's result, check it against the request, then reconcile (消込).

    All results that are there are checked before anything is written; the result files, the
    消込, the new-form requests, the notices and the audit entries are written in one transaction,
    so a mismatching result changes nothing. `wait`: seconds to wait for each result (0: ask once).
    """
    from yakuba.relay.errors import RelayError

    run.refresh_from_db()
    if run.status == DebitRun.Status.BUILT:
        raise DebitError("この振替はまだ送信されていません。")
    if run.status == DebitRun.Status.RECONCILED:
        raise DebitError("この振替は既に消込済みです。")
    today = today or timezone.localdate()
    report = ReceiveReport()
    pending = list(run.files.filter(reconciled_at__isnull=True).exclude(upload_id="").order_by("bank_code"))
    fetched: dict[int, bytes] = {}
    for i, dfile in enumerate(pending, start=1):
        try:
            data = client.wait_result(dfile.upload_id, timeout=wait) if wait else client.fetch_result(dfile.upload_id)
        except RelayError as exc:
            raise DebitError(f"金融機関 {dfile.bank_code} の結果データを受け取れませんでした: {exc}") from exc
        if data is None:
            report.waiting.append(dfile.bank_code)
        else:
            fetched[dfile.pk] = data
        progress(i, len(pending), "結果データを受信しています")
    if report.waiting:
        raise DebitError(f"まだ結果が届いていない金融機関があります({', '.join(report.waiting)})。"
                         f"すべての結果が揃ってから消込を行います。")
    results: dict[int, list[str]] = {}
    for dfile in pending:
        items = list(dfile.items.order_by("position"))
        mandates = {m.pk: m for m in Mandate.objects.filter(pk__in={i.mandate_id for i in items})}
        try:
            results[dfile.pk] = _check_result(dfile, items, mandates, fetched[dfile.pk])
        except DebitError as exc:
            record("debit.result.refused", actor=user, target=dfile, detail={"run": run.pk, "error": str(exc)[:300]})
            raise
    org = water_organisation()
    with transaction.atomic():
        run = DebitRun.objects.select_for_update().get(pk=run.pk)
        if run.status != DebitRun.Status.SENT:
            raise DebitError("この振替は既に消込済みです。")
        for dfile in pending:
            data = fetched[dfile.pk]
            codes_ = results[dfile.pk]
            stored = vault.store(io.BytesIO(data), kind=StoredObject.Kind.ZENGIN, organisation=org, user=user,
                                 description=f"口座振替結果データ 振替{run.pk} 金融機関{dfile.bank_code}",
                                 categories=FILE_CATEGORIES, batch=f"debit-{run.pk}")
            amounts = [i.amount for i in dfile.items.order_by("position")]
            dfile.result, dfile.result_sha256, dfile.received_at = stored, hashlib.sha256(data).hexdigest(), timezone.now()
            dfile.transferred_count = sum(1 for c in codes_ if c == "0")
            dfile.transferred_amount = sum(a for a, c in zip(amounts, codes_) if c == "0")
            dfile.failed_count = len(codes_) - dfile.transferred_count
            dfile.failed_amount = sum(amounts) - dfile.transferred_amount
            dfile.save()
            record("debit.result.received", actor=user, target=dfile, categories=FILE_CATEGORIES,
                   detail={"run": run.pk, "sha256": dfile.result_sha256, "transferred": dfile.transferred_count,
                           "failed": dfile.failed_count})
            report.received.append(dfile.bank_code)
        report.counts = _reconcile(run, results, user, today)
        run.status, run.reconciled_at = DebitRun.Status.RECONCILED, timezone.now()
        run.save(update_fields=["status", "reconciled_at"])
        report.reconciled = True
        record("debit.run.reconciled", actor=user, target=run, detail={"counts": report.counts})
    return report


# --- counter payments and the new-form queue --------------------------------------------------


def run_as_pain008(run: DebitRun, user: Any, *, request: Any = None, now: dt.datetime | None = None) -> bytes:
    """The run's request files as one ISO 20022 pain.008 message (for a bank that takes ISO 20022
    instead of the 全銀 file): a payment information block per file. Each file read is audited
    by the vault, and the export itself as `debit.run.exported`."""
    from yakuba.zengin.iso20022 import Creditor, to_pain008

    files = list(run.files.select_related("request").order_by("bank_code"))
    if not files:
        raise DebitError("この振替にはファイルがありません。")
    batches = []
    for dfile in files:
        batches.extend(codec.parse(_read(dfile.request, user)).batches)
    cfg = consignor()
    now = now or timezone.localtime().replace(microsecond=0, tzinfo=None)
    data = to_pain008(ZenginFile(tuple(batches)), creditor=Creditor(_zengin_text(cfg.name, 40), cfg.code),
                      message_id=f"YKB-DEBIT-{run.pk:05d}-{now:%Y%m%d%H%M%S}", year=run.debit_date.year, created=now)
    record("debit.run.exported", actor=user, target=run, categories=FILE_CATEGORIES, request=request,
           detail={"format": "pain.008.001.08", "files": len(files), "items": sum(len(b.records) for b in batches)})
    return data


def mark_paid_manually(bill: Bill, user: Any, *, paid_on: dt.date | None = None) -> Bill:
    """Paid at a counter or with the payment slip (窓口・納付書): the bill leaves later retries."""
    with transaction.atomic():
        bill = Bill.objects.select_for_update().get(pk=bill.pk)
        if bill.status == Bill.Status.PAID:
            raise DebitError("この料金は既に収納済みです。")
        bill.status, bill.paid_on, bill.paid_manually_by = Bill.Status.PAID, paid_on or timezone.localdate(), user
        bill.save(update_fields=["status", "paid_on", "paid_manually_by"])
        in_flight = DebitItem.objects.filter(bill=bill, run__status=DebitRun.Status.SENT).exists()
        record("debit.bill.paid_manually", actor=user, target=bill,
               detail={"paid_on": bill.paid_on.isoformat(), "in_flight_debit": in_flight})
    return bill


def mark_new_form_sent(req: NewFormRequest, user: Any) -> NewFormRequest:
    with transaction.atomic():
        req = NewFormRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != NewFormRequest.Status.OPEN:
            raise DebitError("この依頼書は既に送付済みです。")
        req.status, req.done_at, req.done_by = NewFormRequest.Status.SENT, timezone.now(), user
        req.save(update_fields=["status", "done_at", "done_by"])
        record("debit.new_form.sent", actor=user, target=req, detail={"mandate": req.mandate_id})
    return req


def stop_mandate(mandate: Mandate, user: Any, *, on: dt.date | None = None) -> Mandate:
    """The city stops debiting this mandate (e.g. the customer moved out): a code 8 from now on is on purpose."""
    with transaction.atomic():
        mandate.status, mandate.stopped_on = Mandate.Status.STOPPED, on or timezone.localdate()
        mandate.save(update_fields=["status", "stopped_on"])
        record("debit.mandate.stopped", actor=user, target=mandate, detail={"on": mandate.stopped_on.isoformat()})
    return mandate


# --- notices (不能通知) ------------------------------------------------------------------------


def _notice_context(notice: FailureNotice) -> dict[str, Any]:
    to_wareki = wareki
    item = notice.item
    bill, customer = item.bill, item.bill.customer
    return {
        "notice": notice, "customer": customer, "bill": bill, "item": item,
        "notice_date": to_wareki(notice.notice_date), "debit_date": to_wareki(item.run.debit_date),
        "payment_due": to_wareki(notice.payment_due), "period": bill.period_label,
        "amount": f"{item.amount:,}", "reason": codes.reason(item.result_code), "label": codes.label(item.result_code),
        "new_form": item.result_code in codes.NEW_FORM_CODES,
    }


def notice_html(notices: Sequence[FailureNotice]) -> str:
    from django.template.loader import render_to_string

    return render_to_string("debit/notice_pdf.html", {"letters": [_notice_context(n) for n in notices]})


def _render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def notice_pdf(notice: FailureNotice, user: Any = None, *, request: Any = None) -> bytes:
    """The letter as PDF. Rendered once, then kept encrypted (vault); every read is audited."""
    if notice.suppressed:
        raise DebitError("この振替は市の都合で停止したため、不能通知は作成しません。")
    if notice.pdf_id is None:
        data = _render_pdf(notice_html([notice]))
        with transaction.atomic():
            stored = vault.store(io.BytesIO(data), kind=StoredObject.Kind.NOTICE, organisation=water_organisation(), user=user,
                                 description=f"口座振替不能通知 {notice.pk}", categories=NOTICE_CATEGORIES,
                                 batch=f"debit-{notice.item.run_id}")
            FailureNotice.objects.filter(pk=notice.pk).update(pdf=stored)
            notice.pdf = stored
    buf = io.BytesIO()
    vault.read(notice.pdf, buf, user=user, request=request)
    record("debit.notice.read", request=request, actor=user, target=notice, categories=NOTICE_CATEGORIES)
    return buf.getvalue()


def notices_batch_pdf(notices: Sequence[FailureNotice], user: Any = None, *, request: Any = None) -> bytes:
    """Many letters in one PDF for printing; the PDF is kept encrypted and the print is audited."""
    letters = [n for n in notices if not n.suppressed]
    if not letters:
        raise DebitError("印刷する不能通知がありません。")
    data = _render_pdf(notice_html(letters))
    with transaction.atomic():
        stamp = timezone.now()
        vault.store(io.BytesIO(data), kind=StoredObject.Kind.NOTICE, organisation=water_organisation(), user=user,
                    description=f"口座振替不能通知 一括印刷 {len(letters)}件", categories=NOTICE_CATEGORIES,
                    batch=f"debit-notices-{stamp:%Y%m%d%H%M%S}")
        FailureNotice.objects.filter(pk__in=[n.pk for n in letters], printed_at__isnull=True).update(printed_at=stamp)
        record("debit.notice.printed", request=request, actor=user, target_type="debit.failurenotice",
               categories=NOTICE_CATEGORIES, detail={"ids": [n.pk for n in letters], "count": len(letters)})
    return data
