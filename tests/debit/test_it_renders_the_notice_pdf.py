"""The 不能通知: Japanese, 和暦 dates, name and address, period, amount, reason, payment slip; a PDF kept encrypted."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.debit.conftest import DEBIT_DATE
from yakuba.audit.models import AuditEntry
from yakuba.debit.actions import notices, reconciliation, runs, sending
from yakuba.debit.models import FailureNotice


def _pdf_text(html: str) -> str:
    """The text WeasyPrint lays out on the pages (pypdf is not a dependency)."""
    from weasyprint import HTML

    document = HTML(string=html).render()
    texts: list[str] = []

    def walk(box) -> None:  # type: ignore[no-untyped-def]
        text = getattr(box, "text", None)
        if isinstance(text, str):
            texts.append(text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return "".join(texts)


@pytest.mark.django_db
def test_it_renders_the_notice_pdf(staff, customers, bank, relay) -> None:  # type: ignore[no-untyped-def]
    first = customers[0]
    bank.codes = {first.number: "1", customers[1].number: "1"}
    run = runs.do_create_run(DEBIT_DATE, staff)
    sending.do_send_run(run, relay.client, staff)
    reconciliation.do_receive_results(run, relay.client, staff, wait=30, today=dt.date(2026, 11, 30))
    notice = FailureNotice.objects.get(item__bill__customer=first)
    amount = f"{notice.item.amount:,}円"

    text = _pdf_text(notices.notice_html([notice]))
    assert "口座振替不能のお知らせ" in text
    assert "令和8年11月26日" in text  # the debit date, in 和暦
    assert "令和8年11月30日" in text  # the letter's date
    assert notice.payment_due == dt.date(2026, 12, 14) and "令和8年12月14日" in text  # 納期限 of the slip
    assert amount in text and "2026年11月分" in text
    assert first.name in text and first.address in text
    assert "残高が不足" in text and notice.payment_number in text

    pdf = notices.do_notice_pdf(notice, staff)
    assert pdf.startswith(b"%PDF-")
    notice.refresh_from_db()
    assert notice.pdf is not None and not notice.pdf.path.read_bytes().startswith(b"%PDF")  # encrypted at rest
    assert notices.do_notice_pdf(notice, staff) == pdf  # rendered once, then read back
    assert AuditEntry.objects.filter(action="debit.notice.read", target_id=str(notice.pk)).count() == 2

    batch = notices.do_print_notices(list(FailureNotice.objects.all()), staff)
    assert batch.startswith(b"%PDF-")
    assert FailureNotice.objects.filter(printed_at__isnull=True).count() == 0
