"""What follows a failed debit: the 不能通知 letters (PDF, kept encrypted), the queue of new
口座振替依頼書, a payment at the counter, and a mandate the city stops on purpose.

    pdf = do_notice_pdf(notice, user, request=request)        # rendered once, every read audited
    pdf = do_print_notices(notices_to_print(), user)           # the unprinted letters in one PDF
    do_mark_paid_manually(bill, user)                          # 窓口・納付書: leaves later retries
    do_mark_new_form_sent(req, user)
    do_stop_mandate(mandate, user)                             # a code 8 from now on is on purpose
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from yakuba.audit.log import record
from yakuba.cityprofile.load import current as city_profile
from yakuba.debit import codes
from yakuba.debit.actions.common import NOTICE_CATEGORIES, read, store
from yakuba.debit.business_days import next_business_day, wareki
from yakuba.debit.config import consignor
from yakuba.debit.errors import DebitError
from yakuba.debit.models import (
    Bill,
    DebitItem,
    DebitRun,
    FailureNotice,
    Mandate,
    NewFormRequest,
)
from yakuba.vault.models import StoredObject

__all__ = [
    "check_mark_paid",
    "check_new_form_sent",
    "check_notice_pdf",
    "check_print_notices",
    "do_mark_new_form_sent",
    "do_mark_paid_manually",
    "do_notice_pdf",
    "do_print_notices",
    "do_stop_mandate",
    "notice_html",
    "notice_terms",
    "notices_to_print",
    "unprinted_count",
]

PRINT_AT_ONCE = 500
"""The most letters one print takes."""


# --- the letters (不能通知) --------------------------------------------------------------------


def notice_terms(item: DebitItem, today: dt.date) -> dict[str, Any]:
    """The letter's date, the payment slip's 納期限 and 納付番号 (with its check digit)."""
    due = next_business_day(today + dt.timedelta(days=consignor().notice_days))
    base = f"{item.customer_number}{item.bill.period.replace('-', '')}{item.run_id % 100:02d}"
    check = sum(int(c) * (i % 2 + 1) for i, c in enumerate(base) if c.isdigit()) % 10
    return {"notice_date": today, "payment_due": due, "payment_number": f"{base}{check}"}


def _notice_context(notice: FailureNotice) -> dict[str, Any]:
    item = notice.item
    bill, customer = item.bill, item.bill.customer
    return {
        "notice": notice, "customer": customer, "bill": bill, "item": item,
        "notice_date": wareki(notice.notice_date), "debit_date": wareki(item.run.debit_date),
        "payment_due": wareki(notice.payment_due), "period": bill.period_label,
        "amount": f"{item.amount:,}", "reason": codes.reason(item.result_code), "label": codes.label(item.result_code),
        "new_form": item.result_code in codes.NEW_FORM_CODES,
    }


def notice_html(notices: Sequence[FailureNotice]) -> str:
    return render_to_string("debit/notice_pdf.html", {"letters": [_notice_context(n) for n in notices],
                                                      "city": city_profile().city})


def _render_pdf(html: str) -> bytes:
    from weasyprint import (
        HTML,  # heavy (Pango, fonts): loaded only when a letter is printed
    )

    return HTML(string=html).write_pdf()


def notices_to_print() -> list[FailureNotice]:
    """The letters to send and not printed yet, oldest first (at most PRINT_AT_ONCE)."""
    return list(FailureNotice.objects.filter(suppressed=False, printed_at__isnull=True)
                .select_related("item__bill__customer", "item__run").order_by("pk")[:PRINT_AT_ONCE])


def unprinted_count() -> int:
    return FailureNotice.objects.filter(suppressed=False, printed_at__isnull=True).count()


def check_notice_pdf(notice: FailureNotice) -> None:
    if notice.suppressed:
        raise DebitError("この振替は市の都合で停止したため、不能通知は作成しません。")


def do_notice_pdf(notice: FailureNotice, user: Any = None, *, request: Any = None) -> bytes:
    """The letter as PDF. Rendered once, then kept encrypted (vault); every read is audited."""
    check_notice_pdf(notice)
    if notice.pdf_id is None:
        data = _render_pdf(notice_html([notice]))
        with transaction.atomic():
            stored = store(data, StoredObject.Kind.NOTICE, user, categories=NOTICE_CATEGORIES,
                           description=f"口座振替不能通知 {notice.pk}", batch=f"debit-{notice.item.run_id}")
            FailureNotice.objects.filter(pk=notice.pk).update(pdf=stored)
            notice.pdf = stored
    data = read(notice.pdf, user, request=request)
    record("debit.notice.read", request=request, actor=user, target=notice, categories=NOTICE_CATEGORIES)
    return data


def check_print_notices(notices: Sequence[FailureNotice]) -> list[FailureNotice]:
    """The letters among `notices` that are sent (not a city stop); DebitError when there is none."""
    letters = [n for n in notices if not n.suppressed]
    if not letters:
        raise DebitError("印刷する不能通知がありません。")
    return letters


def do_print_notices(notices: Sequence[FailureNotice], user: Any = None, *, request: Any = None) -> bytes:
    """Many letters in one PDF for printing; the PDF is kept encrypted and the print is audited."""
    letters = check_print_notices(notices)
    data = _render_pdf(notice_html(letters))
    with transaction.atomic():
        stamp = timezone.now()
        store(data, StoredObject.Kind.NOTICE, user, categories=NOTICE_CATEGORIES,
              description=f"口座振替不能通知 一括印刷 {len(letters)}件", batch=f"debit-notices-{stamp:%Y%m%d%H%M%S}")
        FailureNotice.objects.filter(pk__in=[n.pk for n in letters], printed_at__isnull=True).update(printed_at=stamp)
        record("debit.notice.printed", request=request, actor=user, target_type="debit.failurenotice",
               categories=NOTICE_CATEGORIES, detail={"ids": [n.pk for n in letters], "count": len(letters)})
    return data


# --- a payment at the counter, new forms, a stop by the city ------------------------------------


def check_mark_paid(bill: Bill) -> None:
    if bill.status == Bill.Status.PAID:
        raise DebitError("この料金は既に収納済みです。")


def do_mark_paid_manually(bill: Bill, user: Any, *, paid_on: dt.date | None = None) -> Bill:
    """Paid at a counter or with the payment slip (窓口・納付書): the bill leaves later retries."""
    with transaction.atomic():
        bill = Bill.objects.select_for_update().get(pk=bill.pk)
        check_mark_paid(bill)
        bill.status, bill.paid_on, bill.paid_manually_by = Bill.Status.PAID, paid_on or timezone.localdate(), user
        bill.save(update_fields=["status", "paid_on", "paid_manually_by"])
        in_flight = DebitItem.objects.filter(bill=bill, run__status=DebitRun.Status.SENT).exists()
        record("debit.bill.paid_manually", actor=user, target=bill,
               detail={"paid_on": bill.paid_on.isoformat(), "in_flight_debit": in_flight})
    return bill


def check_new_form_sent(req: NewFormRequest) -> None:
    if req.status != NewFormRequest.Status.OPEN:
        raise DebitError("この依頼書は既に送付済みです。")


def do_mark_new_form_sent(req: NewFormRequest, user: Any) -> NewFormRequest:
    """The new 口座振替依頼書 went out to the customer."""
    with transaction.atomic():
        req = NewFormRequest.objects.select_for_update().get(pk=req.pk)
        check_new_form_sent(req)
        req.status, req.done_at, req.done_by = NewFormRequest.Status.SENT, timezone.now(), user
        req.save(update_fields=["status", "done_at", "done_by"])
        record("debit.new_form.sent", actor=user, target=req, detail={"mandate": req.mandate_id})
    return req


def do_stop_mandate(mandate: Mandate, user: Any, *, on: dt.date | None = None) -> Mandate:
    """The city stops debiting this mandate (e.g. the customer moved out): a code 8 from now on is on purpose."""
    with transaction.atomic():
        mandate.status, mandate.stopped_on = Mandate.Status.STOPPED, on or timezone.localdate()
        mandate.save(update_fields=["status", "stopped_on"])
        record("debit.mandate.stopped", actor=user, target=mandate, detail={"on": mandate.stopped_on.isoformat()})
    return mandate
