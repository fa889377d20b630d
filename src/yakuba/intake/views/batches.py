"""Batches (読み取りバッチ): upload, the reading's progress, the delivery to the city and its receipt."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.audit.reveal import Derived, reveal_rows
from yakuba.intake import fields as form
from yakuba.intake.actions import delivery, reading, records, upload
from yakuba.intake.forms import BatchUploadForm, ExportForm, ReceiptForm
from yakuba.intake.models import Page
from yakuba.uploads import InMemoryUploadHandler
from yakuba.intake.views.common import RESPONSIBLE, SECTION, VENDOR, batches, private_file
from yakuba.web import cleaned, user_errors


@allow(*VENDOR, menu=_("読み取りバッチ"), section=SECTION, order=20)
def batch_list(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/batch_list.html", {
        "batches": records.with_review_counts(batches(request))[:100],
        "is_responsible": form.is_responsible(request.user), "suffixes": ",".join(upload.SUFFIXES),
    })


@allow(*RESPONSIBLE)
@csrf_exempt
def batch_upload(request: HttpRequest) -> HttpResponse:
    """Scans arrive in memory only (see `InMemoryUploadHandler`); CSRF is checked after that choice."""
    request.upload_handlers = [InMemoryUploadHandler(request, limit=upload.MAX_UPLOAD_BYTES)]
    return _batch_upload(request)


@csrf_protect
@require_POST
@user_errors("intake:batches")
def _batch_upload(request: HttpRequest) -> HttpResponse:
    data = cleaned(BatchUploadForm, request, upload_handlers=request.upload_handlers)
    batch = upload.do_upload(request.user.organisation, data["name"], data["files"], request.user)
    messages.success(request, f"バッチ {batch.code} に {batch.scan_count} ファイル({batch.page_count} ページ)を暗号化して登録し、読み取りを始めました。")
    return redirect("intake:batch", pk=batch.pk)


def _points(page: Page) -> Derived:
    """What the batch page shows of a page's record: its 基準点 and what to check in it."""
    app = getattr(page, "application", None)
    return {"base_points": (("circumstances",), app.base_points if app else None),
            "points_problems": (("circumstances",), app.points_problems if app else [])}


@allow(*VENDOR)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch and its pages: a page's file name (declared as 氏名) and its record's 基準点 reach the
    template only revealed (masked by role, audited with what was shown)."""
    batch = get_object_or_404(batches(request), pk=pk)
    overview = records.batch_overview(batch)
    pages = overview.pop("pages")
    rows = list(zip(pages, reveal_rows(request, pages, ("name",), derived=_points)))
    return render(request, "intake/batch_detail.html", {
        "batch": batch, **overview, "rows": rows, "is_responsible": form.is_responsible(request.user),
        "checking": [(p, row) for p, row in rows if p in overview["checking"]],
        "failed": [(p, row) for p, row in rows if p in overview["failed"]],
        "recipients": delivery.recipients(), "default_recipient": delivery.DEFAULT_RECIPIENT,
    })


@allow(*VENDOR)
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The reading's progress for the batch page to poll (htmx); reloads the page when done."""
    batch = get_object_or_404(batches(request), pk=pk)
    response = render(request, "intake/_batch_progress.html", {"batch": batch, "job": batch.job})
    if request.htmx and (batch.job is None or batch.job.finished):
        response["HX-Refresh"] = "true"
    return response


@allow(*RESPONSIBLE)
@require_POST
@user_errors("intake:batch")
def batch_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Read again what was not read (after a failed job): pages already read are kept."""
    batch = get_object_or_404(batches(request), pk=pk)
    reading.do_start_reading(batch, request.user)
    messages.success(request, f"バッチ {batch.code} の読み取りを再開しました。")
    return redirect("intake:batch", pk=batch.pk)


@allow(*RESPONSIBLE)
@require_POST
@user_errors("intake:batch")
def batch_export(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(batches(request), pk=pk)
    data = cleaned(ExportForm, request)
    delivery.do_export_batch(batch, request.user, data["recipient"])
    messages.success(request, f"バッチ {batch.code} の納品パッケージ(署名・暗号化済み)を作成しました。市へ渡し、受領書が届いたら登録してください。")
    return redirect("intake:batch", pk=batch.pk)


@allow(*RESPONSIBLE)
@user_errors("intake:batch")
def batch_package(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(batches(request), pk=pk)
    data = delivery.package_bytes(batch, request.user, request=request)
    return private_file(data, "application/octet-stream", f"intake-{batch.code}.yakuba")


@allow(*RESPONSIBLE)
@require_POST
@user_errors("intake:batch")
def batch_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(batches(request), pk=pk)
    data = cleaned(ReceiptForm, request)
    cert = delivery.do_receive_receipt(batch, data["receipt"], request.user, request=request)
    messages.success(request, f"市の受領を確認し、バッチ {batch.code} のスキャン画像を消去しました(消去証明書 {cert.id})。")
    return redirect("intake:batch", pk=batch.pk)
