"""A page of a batch: its fields, its image, and the 責任者's decisions on it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.audit.reveal import reveal
from yakuba.intake import fields as form
from yakuba.intake.actions import review, verification
from yakuba.intake.models import POINTS_FIELDS, Application
from yakuba.intake.views.common import RESPONSIBLE, VENDOR, page, private_file
from yakuba.web import user_errors


@allow(*VENDOR)
def page_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every field of the page; personal ones masked for an operator (value and reason)."""
    p = page(request, pk)
    app = Application.objects.filter(page=p).first()
    return render(request, "intake/page_detail.html", {
        "page": p, "rows": verification.page_rows(p, request.user, request=request),
        "page_row": reveal(request, p, ("name",)),
        "app": app, "app_row": reveal(request, app, POINTS_FIELDS) if app else {},
        "is_responsible": form.is_responsible(request.user),
    })


@allow(*VENDOR)
def page_image(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole page, only on request: an operator's has every personal field painted over."""
    p = page(request, pk)
    data = verification.page_jpeg(p, request.user, request=request)
    return private_file(data, "image/jpeg", f"page-{p.pk}.jpg", inline=True)


@allow(*RESPONSIBLE)
@require_POST
@user_errors(lambda request, pk: reverse("intake:batch", args=[page(request, pk).batch_id]))
def page_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    p = page(request, pk)
    review.do_exclude_page(p, request.user, request=request)
    messages.success(request, f"ページ {p.label} をバッチから除外しました。")
    return redirect("intake:batch", pk=p.batch_id)


@allow(*RESPONSIBLE)
@require_POST
@user_errors("intake:page")
def page_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    p = page(request, pk)
    app = get_object_or_404(Application, page=p)
    review.do_confirm_application(app, request.user, request=request)
    messages.success(request, f"申請 {app.receipt_number} の基準点を確認し、確定しました。")
    return redirect("intake:page", pk=p.pk)
