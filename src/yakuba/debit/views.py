"""Screens of the debit cycle (上下水道総務課 only): parse with a form, call an action, show the result.

A refused step raises (``DebitError``, ``RelayNotConfigured``, ``FormInvalid``); ``@user_errors``
shows its message on the page the person came from.
"""

from __future__ import annotations

from typing import Any, Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.audit.reveal import reveal, reveal_rows
from yakuba.debit.actions import notices, pain008, reconciliation, runs, sending
from yakuba.debit.config import ORGANISATION
from yakuba.debit.forms import RetryForm, RunForm
from yakuba.debit.models import (
    Bill,
    Customer,
    DebitFile,
    DebitItem,
    DebitRun,
    FailureNotice,
    Mandate,
    NewFormRequest,
)
from yakuba.debit.relay import relay_client
from yakuba.exports.views import requested
from yakuba.web import cleaned, user_errors

WATER = dict(departments=(ORGANISATION,))
ROLES = (Role.CITY_STAFF, Role.CITY_SUPERVISOR)
SECTION = _("上下水道 口座振替")

CUSTOMER_LIST = ("number", "name", "address")
CUSTOMER_DETAIL = ("number", "name", "name_kana", "postal_code", "address", "phone")
MANDATE_DETAIL = ("bank_code", "branch_code", "account_type", "account_number", "holder_kana", "status",
                  "received_on", "stopped_on")


def _labels(model, fields):  # type: ignore[no-untyped-def]
    return [(f, str(model._meta.get_field(f).verbose_name)) for f in fields]


def _bill_customer(request: HttpRequest, pk: int) -> str:
    """Back to the customer whose bill it is."""
    return reverse("debit:customer", kwargs={"pk": get_object_or_404(Bill, pk=pk).customer_id})


# --- runs ---------------------------------------------------------------------------------------


@allow(*ROLES, menu=_("口座振替の処理"), section=SECTION, order=300, **WATER)
def run_list(request: HttpRequest) -> HttpResponse:
    runs_ = DebitRun.objects.select_related("parent")[:100]
    rows = [(r, r.totals()) for r in runs_]
    unpaid = Bill.objects.filter(status=Bill.Status.UNPAID).count()
    return render(request, "debit/run_list.html", {"rows": rows, "unpaid": unpaid})


@allow(*ROLES, **WATER)
@require_POST
@user_errors("debit:runs")
def run_create(request: HttpRequest) -> HttpResponse:
    run = runs.do_create_run(cleaned(RunForm, request)["debit_date"], request.user)
    if note := runs.holiday_note(run):
        messages.info(request, note)
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
        "retries": run.retries.all(), "can_retry": runs.can_retry(run),
        "is_supervisor": request.user.role == Role.CITY_SUPERVISOR,
    })


def _through_relay(pk: int, step: Callable[[DebitRun, Any], Any]) -> tuple[DebitRun, Any]:
    """The run and what `step(run, client)` returns, with the configured relay client."""
    run = get_object_or_404(DebitRun, pk=pk)
    with relay_client() as client:
        return run, step(run, client)


@allow(*ROLES, **WATER)
@require_POST
@user_errors("debit:run")
def run_send(request: HttpRequest, pk: int) -> HttpResponse:
    run, report = _through_relay(pk, lambda run, client: sending.do_send_run(run, client, request.user))
    messages.success(request, f"金融機関 {len(report.sent)} 行分の振替データを中継サーバーへ送信しました。")
    return redirect("debit:run", pk=run.pk)


@allow(*ROLES, **WATER)
@require_POST
@user_errors("debit:run")
def run_receive(request: HttpRequest, pk: int) -> HttpResponse:
    run, report = _through_relay(
        pk, lambda run, client: reconciliation.do_receive_results(run, client, request.user))
    c = report.counts
    messages.success(request, f"結果を消込みました: 振替済み {c.get('0', 0)} 件、不能通知 {c.get('notices', 0)} 件。")
    return redirect("debit:run", pk=run.pk)


@allow(*ROLES, **WATER)
@require_POST
@user_errors("debit:run")
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(DebitRun, pk=pk)
    retry = runs.do_create_retry_run(run, cleaned(RetryForm, request)["retry_date"], request.user)
    messages.success(request, f"再振替 {retry.pk} を作成しました({retry.items.count()} 件、引落日 {retry.debit_date:%Y-%m-%d})。")
    return redirect("debit:run", pk=retry.pk)


@allow(Role.CITY_SUPERVISOR, **WATER)
@require_POST
@user_errors("debit:run")
def run_pain008(request: HttpRequest, pk: int) -> HttpResponse:
    """The run as ISO 20022 pain.008: an export of every debtor's account, so the supervisor only."""
    pain008.check_export_pain008(run := get_object_or_404(DebitRun, pk=pk))
    return requested(request, "debit.pain008", {"run": run.pk})


# --- customers ------------------------------------------------------------------------------------


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
@user_errors(_bill_customer)
def bill_paid(request: HttpRequest, pk: int) -> HttpResponse:
    bill = get_object_or_404(Bill, pk=pk)
    notices.do_mark_paid_manually(bill, request.user)
    messages.success(request, f"{bill.period_label}の料金を窓口収納として記録しました。")
    return redirect("debit:customer", pk=bill.customer_id)


# --- notices and new forms ------------------------------------------------------------------------


@allow(*ROLES, menu=_("口座振替不能通知"), section=SECTION, order=320, **WATER)
def notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(FailureNotice.objects.select_related("item__run", "item__bill")
                     .order_by("printed_at", "-created_at", "pk"), 100).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    rows = list(zip(shown, reveal_rows(request, [n.item for n in shown], ("customer_number",))))
    return render(request, "debit/notice_list.html",
                  {"page": page, "rows": rows, "unprinted": notices.unprinted_count()})


@allow(*ROLES, **WATER)
@user_errors("debit:notices")
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One letter (at the counter): through the export step, not bulk, so straight to the file."""
    notices.check_notice_pdf(notice := get_object_or_404(FailureNotice, pk=pk))
    return requested(request, "debit.notice", {"notice": notice.pk})


@allow(*ROLES, **WATER)
@require_POST
@user_errors("debit:notices")
def notices_print(request: HttpRequest) -> HttpResponse:
    """The print run leaves through the export step (bulk: it waits, unless pre-approved as routine)."""
    letters = notices.check_print_notices(notices.notices_to_print())
    return requested(request, "debit.notices", {"ids": [n.pk for n in letters]})


@allow(*ROLES, menu=_("依頼書の再提出"), section=SECTION, order=330, **WATER)
def new_form_list(request: HttpRequest) -> HttpResponse:
    reqs = list(NewFormRequest.objects.select_related("mandate__customer", "item__run")
                .order_by("status", "created_at", "pk")[:500])
    rows = list(zip(reqs, reveal_rows(request, [r.mandate.customer for r in reqs], ("number",))))
    return render(request, "debit/new_form_list.html", {"rows": rows})


@allow(*ROLES, **WATER)
@require_POST
@user_errors("debit:new_forms")
def new_form_done(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(NewFormRequest, pk=pk)
    notices.do_mark_new_form_sent(req, request.user)
    messages.success(request, f"使用者番号 {req.mandate.customer.number} への依頼書の送付を記録しました。")
    return redirect("debit:new_forms")
