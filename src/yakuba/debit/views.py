"""Screens of the debit cycle (上下水道総務課 only): thin, every step is a service call."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.audit.reveal import reveal, reveal_rows
from yakuba.debit.actions import notices, pain008, reconciliation, runs, sending
from yakuba.debit.errors import DebitError
from yakuba.debit.config import ORGANISATION
from yakuba.debit.models import Bill, Customer, DebitFile, DebitItem, DebitRun, FailureNotice, Mandate, NewFormRequest
from yakuba.debit.relay import RelayNotConfigured, relay_client

WATER = dict(departments=(ORGANISATION,))
ROLES = (Role.CITY_STAFF, Role.CITY_SUPERVISOR)
SECTION = _("上下水道 口座振替")

CUSTOMER_LIST = ("number", "name", "address")
CUSTOMER_DETAIL = ("number", "name", "name_kana", "postal_code", "address", "phone")
MANDATE_DETAIL = ("bank_code", "branch_code", "account_type", "account_number", "holder_kana", "status",
                  "received_on", "stopped_on")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None


def _labels(model, fields):  # type: ignore[no-untyped-def]
    return [(f, str(model._meta.get_field(f).verbose_name)) for f in fields]


@allow(*ROLES, menu=_("口座振替の処理"), section=SECTION, order=300, **WATER)
def run_list(request: HttpRequest) -> HttpResponse:
    runs_ = DebitRun.objects.select_related("parent")[:100]
    rows = [(r, r.totals()) for r in runs_]
    unpaid = Bill.objects.filter(status=Bill.Status.UNPAID).count()
    return render(request, "debit/run_list.html", {"rows": rows, "unpaid": unpaid})


@allow(*ROLES, **WATER)
@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    day = _date(request.POST.get("debit_date", ""))
    if day is None:
        messages.error(request, "引落日を YYYY-MM-DD の形で入力してください。")
        return redirect("debit:runs")
    try:
        run = runs.do_create_run(day, request.user)
    except DebitError as exc:
        messages.error(request, str(exc))
        return redirect("debit:runs")
    if run.debit_date != day:
        messages.info(request, f"{day:%Y-%m-%d} は金融機関の休業日のため、引落日を {run.debit_date:%Y-%m-%d} にしました。")
    messages.success(request, f"振替 {run.pk} を作成しました(金融機関 {run.files.count()} 行、{run.items.count()} 件)。")
    return redirect("debit:run", pk=run.pk)


@allow(*ROLES, **WATER)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(DebitRun, pk=pk)
    files = DebitFile.objects.filter(run=run).order_by("bank_code")
    failed = list(run.items.exclude(result_code__in=["", "0"]).select_related("bill").order_by("customer_number")[:500])
    failed_rows = list(zip(failed, reveal_rows(request, failed, ("customer_number",))))
    return render(request, "debit/run_detail.html", {
        "run": run, "files": files, "totals": run.totals(), "failed_rows": failed_rows,
        "retries": run.retries.all(), "can_retry": run.status == DebitRun.Status.RECONCILED
        and run.items.filter(result_code="1", bill__status=Bill.Status.UNPAID).exists(),
        "is_supervisor": request.user.role == Role.CITY_SUPERVISOR,
    })


def _with_client(request: HttpRequest, pk: int, step):  # type: ignore[no-untyped-def]
    run = get_object_or_404(DebitRun, pk=pk)
    try:
        with relay_client() as client:
            return run, step(run, client)
    except RelayNotConfigured as exc:
        messages.error(request, str(exc))
    except DebitError as exc:
        messages.error(request, str(exc))
    return run, None


@allow(*ROLES, **WATER)
@require_POST
def run_send(request: HttpRequest, pk: int) -> HttpResponse:
    run, report = _with_client(request, pk, lambda run, client: sending.do_send_run(run, client, request.user))
    if report is not None:
        messages.success(request, f"金融機関 {len(report.sent)} 行分の振替データを中継サーバーへ送信しました。")
    return redirect("debit:run", pk=run.pk)


@allow(*ROLES, **WATER)
@require_POST
def run_receive(request: HttpRequest, pk: int) -> HttpResponse:
    run, report = _with_client(request, pk, lambda run, client: reconciliation.do_receive_results(run, client, request.user))
    if report is not None:
        c = report.counts
        messages.success(request, f"結果を消込みました: 振替済み {c.get('0', 0)} 件、不能通知 {c.get('notices', 0)} 件。")
    return redirect("debit:run", pk=run.pk)


@allow(*ROLES, **WATER)
@require_POST
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(DebitRun, pk=pk)
    day = _date(request.POST.get("retry_date", ""))
    if day is None:
        messages.error(request, "再振替日を YYYY-MM-DD の形で入力してください。")
        return redirect("debit:run", pk=run.pk)
    try:
        retry = runs.do_create_retry_run(run, day, request.user)
    except DebitError as exc:
        messages.error(request, str(exc))
        return redirect("debit:run", pk=run.pk)
    messages.success(request, f"再振替 {retry.pk} を作成しました({retry.items.count()} 件、引落日 {retry.debit_date:%Y-%m-%d})。")
    return redirect("debit:run", pk=retry.pk)


@allow(Role.CITY_SUPERVISOR, **WATER)
@require_POST
def run_pain008(request: HttpRequest, pk: int) -> HttpResponse:
    """The run as ISO 20022 pain.008: an export of every debtor's account, so the supervisor only."""
    run = get_object_or_404(DebitRun, pk=pk)
    try:
        data = pain008.do_export_pain008(run, request.user, request=request)
    except DebitError as exc:
        messages.error(request, str(exc))
        return redirect("debit:run", pk=pk)
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="debit-{run.pk:05d}-pain008.xml"'
    return response


@allow(*ROLES, menu=_("使用者の検索"), section=SECTION, order=310, **WATER)
def customer_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    customers = Customer.objects.all()
    if q:
        customers = customers.filter(number__startswith=q)
    page = Paginator(customers, 50).get_page(request.GET.get("page"))
    rows = reveal_rows(request, page.object_list, CUSTOMER_LIST)
    return render(request, "debit/customer_list.html", {"rows": rows, "page": page, "q": q,
                                                        "columns": _labels(Customer, CUSTOMER_LIST)})


@allow(*ROLES, **WATER)
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    row = reveal(request, customer, CUSTOMER_DETAIL)
    mandates = [(m, reveal(request, m, MANDATE_DETAIL)) for m in customer.mandates.order_by("-received_on", "-pk")]
    bills = customer.bills.order_by("-period")
    items = DebitItem.objects.filter(bill__customer=customer).select_related("run", "bill").order_by("-run__debit_date")
    notices_ = FailureNotice.objects.filter(item__bill__customer=customer).select_related("item__run", "item__bill")
    return render(request, "debit/customer_detail.html", {
        "customer": customer, "row": row, "columns": _labels(Customer, CUSTOMER_DETAIL),
        "mandates": mandates, "mandate_columns": _labels(Mandate, MANDATE_DETAIL),
        "bills": bills, "items": items, "notices": notices_,
    })


@allow(*ROLES, **WATER)
@require_POST
def bill_paid(request: HttpRequest, pk: int) -> HttpResponse:
    bill = get_object_or_404(Bill, pk=pk)
    try:
        notices.do_mark_paid_manually(bill, request.user)
        messages.success(request, f"{bill.period_label}の料金を窓口収納として記録しました。")
    except DebitError as exc:
        messages.error(request, str(exc))
    return redirect("debit:customer", pk=bill.customer_id)


@allow(*ROLES, menu=_("口座振替不能通知"), section=SECTION, order=320, **WATER)
def notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(FailureNotice.objects.select_related("item__run", "item__bill")
                     .order_by("printed_at", "-created_at", "pk"), 100).get_page(request.GET.get("page"))
    unprinted = FailureNotice.objects.filter(suppressed=False, printed_at__isnull=True).count()
    shown = list(page.object_list)
    rows = list(zip(shown, reveal_rows(request, [n.item for n in shown], ("customer_number",))))
    return render(request, "debit/notice_list.html", {"page": page, "rows": rows, "unprinted": unprinted})


@allow(*ROLES, **WATER)
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(FailureNotice.objects.select_related("item__bill__customer", "item__run"), pk=pk)
    try:
        data = notices.do_notice_pdf(notice, request.user, request=request)
    except DebitError as exc:
        messages.error(request, str(exc))
        return redirect("debit:notices")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    return response


@allow(*ROLES, **WATER)
@require_POST
def notices_print(request: HttpRequest) -> HttpResponse:
    letters = notices.notices_to_print()
    try:
        data = notices.do_print_notices(letters, request.user, request=request)
    except DebitError as exc:
        messages.error(request, str(exc))
        return redirect("debit:notices")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="notices.pdf"'
    return response


@allow(*ROLES, menu=_("依頼書の再提出"), section=SECTION, order=330, **WATER)
def new_form_list(request: HttpRequest) -> HttpResponse:
    reqs = NewFormRequest.objects.select_related("mandate__customer", "item__run").order_by("status", "created_at", "pk")
    reqs = list(reqs[:500])
    rows = list(zip(reqs, reveal_rows(request, [r.mandate.customer for r in reqs], ("number",))))
    return render(request, "debit/new_form_list.html", {"rows": rows})


@allow(*ROLES, **WATER)
@require_POST
def new_form_done(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(NewFormRequest, pk=pk)
    try:
        notices.do_mark_new_form_sent(req, request.user)
        messages.success(request, f"使用者番号 {req.mandate.customer.number} への依頼書の送付を記録しました。")
    except DebitError as exc:
        messages.error(request, str(exc))
    return redirect("debit:new_forms")
