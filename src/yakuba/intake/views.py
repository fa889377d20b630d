"""Screens of the vendor's intake: thin, every step is an action (`yakuba.intake.actions`).

What an operator's browser receives never holds a personal field (氏名, フリガナ, 〒, 住所, 電話番号,
勤務先): not its value, not its image crop, not a whole page showing it (the operator's page image
has those fields painted over). The 責任者 (vendor_responsible) sees them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.models import Organisation
from yakuba.accounts.roles import Role
from yakuba.audit.forms import form_for, save_audited
from yakuba.audit.log import record
from yakuba.audit.reveal import reveal, reveal_rows
from yakuba.intake import fields as form
from yakuba.intake.actions import delivery, reading, records, review, upload, verification
from yakuba.intake.errors import FieldRefused, IntakeError
from yakuba.intake.models import DETAIL_FIELDS, EDIT_FIELDS, LIST_FIELDS, Application, Batch, FieldValue, Page
from yakuba.intake.uploads import InMemoryUploadHandler
from yakuba.privacy.masking import MASK

VENDOR = (Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE)
RESPONSIBLE = (Role.VENDOR_RESPONSIBLE,)
SECTION = _("入園申請データ入力")


def _mine(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Application.objects.filter(vendor=request.user.organisation)


def _labels(fields: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(f, str(Application._meta.get_field(f).verbose_name)) for f in fields]


def _batches(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Batch.objects.filter(vendor=request.user.organisation)


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    """A view's own 403 (the access rule admitted the role; this record is not for it)."""
    return render(request, "403.html", {"exception": message}, status=403)


def _image(data: bytes, content_type: str = "image/png") -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- records


@allow(*VENDOR, menu=_("入園申請の一覧"), section=SECTION, order=10)
def application_list(request: HttpRequest) -> HttpResponse:
    rows = reveal_rows(request, _mine(request), LIST_FIELDS)
    return render(request, "intake/list.html", {"rows": rows, "columns": _labels(LIST_FIELDS)})


@allow(*VENDOR)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(_mine(request), pk=pk)
    row = reveal(request, app, DETAIL_FIELDS)
    return render(request, "intake/detail.html", {"row": row, "columns": _labels(DETAIL_FIELDS), "app": app})


@allow(*VENDOR)
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an application. An operator's form has no name or address fields at all.

    A record read from a scan is corrected field by field on its page (the delivery is made from
    those fields), so this form is for records entered by hand only."""
    app = get_object_or_404(_mine(request), pk=pk)
    if app.page_id is not None:
        messages.info(request, "スキャンから作成した申請は、ページの画面で欄ごとに修正してください。")
        return redirect("intake:page", pk=app.page_id)
    form_class = form_for(request.user, Application, EDIT_FIELDS)
    edit = form_class(request.POST or None, instance=app)
    if request.method == "POST" and edit.is_valid():
        save_audited(request, edit)
        messages.success(request, gettext("入園申請 %(number)s を保存しました。") % {"number": app.receipt_number})
        return redirect("intake:detail", pk=app.pk)
    if request.method == "GET":
        reveal(request, app, list(edit.fields))  # what the form shows is a read, and logged as one
    return render(request, "intake/edit.html", {"form": edit, "app": app})


# --------------------------------------------------------------------------- batches


@allow(*VENDOR, menu=_("読み取りバッチ"), section=SECTION, order=20)
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = _batches(request).annotate(
        review=Count("pages__fields", filter=Q(pages__fields__status=FieldValue.Status.REVIEW,
                                               pages__status=Page.Status.REVIEW)))[:100]
    return render(request, "intake/batch_list.html", {
        "batches": batches, "is_responsible": form.is_responsible(request.user),
        "suffixes": ",".join(upload.SUFFIXES),
    })


@allow(*RESPONSIBLE)
@csrf_exempt
def batch_upload(request: HttpRequest) -> HttpResponse:
    """Scans arrive in memory only (see `InMemoryUploadHandler`); CSRF is checked after that choice."""
    request.upload_handlers = [InMemoryUploadHandler(request, limit=upload.MAX_UPLOAD_BYTES)]
    return _batch_upload(request)


@csrf_protect
@require_POST
def _batch_upload(request: HttpRequest) -> HttpResponse:
    files = request.FILES.getlist("files")
    if any(getattr(h, "too_large", False) for h in request.upload_handlers):
        messages.error(request, f"一度に登録できるのは合計 {upload.MAX_UPLOAD_BYTES // (1024 * 1024)}MB までです。何回かに分けて登録してください。")
        return redirect("intake:batches")
    uploads = [upload.Upload(f.name or "", f.read()) for f in files]
    try:
        batch = upload.do_create_batch(request.user.organisation, request.POST.get("name", ""), uploads, request.user)
    except IntakeError as exc:
        messages.error(request, str(exc))
        return redirect("intake:batches")
    reading.do_start_reading(batch, request.user)
    messages.success(request, f"バッチ {batch.code} に {batch.scan_count} ファイル({batch.page_count} ページ)を暗号化して登録し、読み取りを始めました。")
    return redirect("intake:batch", pk=batch.pk)


def _batch_context(request: HttpRequest, batch: Batch) -> dict[str, Any]:
    responsible = form.is_responsible(request.user)
    pages = list(batch.pages.annotate(
        review=Count("fields", filter=Q(fields__status=FieldValue.Status.REVIEW)),
        review_personal=Count("fields", filter=Q(fields__status=FieldValue.Status.REVIEW, fields__personal=True)),
    ).select_related("application"))
    checking = [p for p in pages if getattr(p, "application", None) is not None
                and p.application.status == Application.Status.CHECKING]
    return {
        "batch": batch, "counts": records.batch_counts(batch), "pages": pages, "checking": checking,
        "failed": [p for p in pages if p.status == Page.Status.FAILED],
        "is_responsible": responsible,
        "recipients": Organisation.objects.filter(kind=Organisation.Kind.CITY_DEPARTMENT).exclude(age_recipient=""),
        "default_recipient": delivery.DEFAULT_RECIPIENT,
    }


@allow(*VENDOR)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(_batches(request), pk=pk)
    return render(request, "intake/batch_detail.html", _batch_context(request, batch))


@allow(*VENDOR)
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The reading's progress for the batch page to poll (htmx); reloads the page when done."""
    batch = get_object_or_404(_batches(request), pk=pk)
    response = render(request, "intake/_batch_progress.html", {"batch": batch, "job": batch.job})
    if request.htmx and (batch.job is None or batch.job.finished):
        response["HX-Refresh"] = "true"
    return response


@allow(*RESPONSIBLE)
@require_POST
def batch_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Read again what was not read (after a failed job): pages already read are kept."""
    batch = get_object_or_404(_batches(request), pk=pk)
    try:
        reading.do_start_reading(batch, request.user)
        messages.success(request, f"バッチ {batch.code} の読み取りを再開しました。")
    except IntakeError as exc:
        messages.error(request, str(exc))
    return redirect("intake:batch", pk=batch.pk)


@allow(*RESPONSIBLE)
@require_POST
def batch_export(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(_batches(request), pk=pk)
    recipient = request.POST.get("recipient") or delivery.DEFAULT_RECIPIENT
    try:
        delivery.do_export_batch(batch, request.user, recipient)
        messages.success(request, f"バッチ {batch.code} の納品パッケージ(署名・暗号化済み)を作成しました。市へ渡し、受領書が届いたら登録してください。")
    except IntakeError as exc:
        messages.error(request, str(exc))
    return redirect("intake:batch", pk=batch.pk)


@allow(*RESPONSIBLE)
def batch_package(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(_batches(request), pk=pk)
    try:
        data = delivery.package_bytes(batch, request.user, request=request)
    except IntakeError as exc:
        messages.error(request, str(exc))
        return redirect("intake:batch", pk=batch.pk)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="intake-{batch.code}.yakuba"'
    response["Cache-Control"] = "no-store"
    return response


@allow(*RESPONSIBLE)
@require_POST
def batch_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(_batches(request), pk=pk)
    upload = request.FILES.get("receipt")
    if upload is None:
        messages.error(request, "市から返された受領書のファイルを選んでください。")
        return redirect("intake:batch", pk=batch.pk)
    try:
        cert = delivery.do_receive_receipt(batch, upload.read(), request.user, request=request)
    except IntakeError as exc:
        messages.error(request, str(exc))
        return redirect("intake:batch", pk=batch.pk)
    messages.success(request, f"市の受領を確認し、バッチ {batch.code} のスキャン画像を消去しました(消去証明書 {cert.id})。")
    return redirect("intake:batch", pk=batch.pk)


# --------------------------------------------------------------------------- pages


def _page(request: HttpRequest, pk: int) -> Page:
    return get_object_or_404(Page.objects.select_related("batch").filter(batch__vendor=request.user.organisation), pk=pk)


@allow(*VENDOR)
def page_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every field of the page; personal ones masked for an operator (value and reason)."""
    page = _page(request, pk)
    rows = []
    shown: list[int] = []
    categories: set[str] = set()
    for fv in page.fields.all():
        visible = form.may_see(request.user, fv.personal)
        if visible and fv.value:
            shown.append(fv.pk)
            categories.add(fv.category)
        rows.append({"fv": fv, "visible": visible, "value": fv.value if visible else MASK,
                     "reason": fv.reason if visible else ""})
    if shown:
        record("personal.list", request=request, target_type="intake.fieldvalue", categories=categories,
               detail={"ids": shown, "count": len(shown), "page": page.pk})
    app = Application.objects.filter(page=page).first()
    return render(request, "intake/page_detail.html", {
        "page": page, "rows": rows, "app": app, "is_responsible": form.is_responsible(request.user),
    })


@allow(*VENDOR)
def page_image(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole page, only on request: an operator's has every personal field painted over."""
    page = _page(request, pk)
    try:
        return _image(verification.page_jpeg(page, request.user, request=request), "image/jpeg")
    except IntakeError:
        raise Http404 from None


@allow(*RESPONSIBLE)
@require_POST
def page_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    try:
        review.do_exclude_page(page, request.user, request=request)
        messages.success(request, f"ページ {page.label} をバッチから除外しました。")
    except IntakeError as exc:
        messages.error(request, str(exc))
    return redirect("intake:batch", pk=page.batch_id)


@allow(*RESPONSIBLE)
@require_POST
def page_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    app = get_object_or_404(Application, page=page)
    try:
        review.do_confirm_application(app, request.user, request=request)
        messages.success(request, f"申請 {app.receipt_number} の基準点を確認し、確定しました。")
    except IntakeError as exc:
        messages.error(request, str(exc))
    return redirect("intake:page", pk=page.pk)


# --------------------------------------------------------------------------- verification


def _queue_url(scope: str, after: int | None = None) -> str:
    query = {"scope": scope}
    if after is not None:
        query["after"] = str(after)
    return f"{reverse('intake:queue')}?{urlencode(query)}"


def _field(request: HttpRequest, pk: int) -> FieldValue:
    return get_object_or_404(FieldValue.objects.select_related("page", "page__batch")
                             .filter(page__batch__vendor=request.user.organisation), pk=pk)


def _field_refused(request: HttpRequest, fv: FieldValue, action: str) -> HttpResponse:
    record(action, request=request, target=fv, detail={"field": fv.field_id, "page": fv.page_id})
    return _refused(request, "この欄は委託先責任者だけが確認できます。")


@allow(*VENDOR, menu=_("読み取り結果の確認"), section=SECTION, order=30)
def queue_view(request: HttpRequest) -> HttpResponse:
    """The next field waiting for this user: an operator never gets a personal field."""
    scope = verification.scope_for(request.user, request.GET.get("scope"))
    after = None
    if request.GET.get("after", "").isdigit():
        after = verification.fields_for(request.user).filter(pk=int(request.GET["after"])).first()
    fv = verification.next_field(request.user, scope, after=after)
    if fv is not None:
        return redirect(f"{reverse('intake:verify', args=[fv.pk])}?{urlencode({'scope': scope})}")
    return render(request, "intake/queue_empty.html", {"scope": scope, "is_responsible": form.is_responsible(request.user)})


@allow(*VENDOR)
def verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One field: its image beside the value. Enter confirms and opens the next; Tab reaches the links."""
    fv = _field(request, pk)
    if not form.may_see(request.user, fv.personal):
        return _field_refused(request, fv, "intake.field.refused")
    scope = verification.scope_for(request.user, request.POST.get("scope") or request.GET.get("scope"))
    error = ""
    value = None
    if request.method == "POST":
        value = request.POST.get("value", "")
        try:
            verification.do_verify_field(fv, value, request.user, request=request)
        except IntakeError as exc:
            error = str(exc)
        else:
            nxt = verification.next_field(request.user, scope, after=fv)
            if nxt is None:
                messages.success(request, "確認待ちの欄はすべて確認しました。")
                return redirect(_queue_url(scope))
            return redirect(f"{reverse('intake:verify', args=[nxt.pk])}?{urlencode({'scope': scope})}")
    shown = verification.show_field(fv, request.user, request=request)
    waiting = verification.queue(request.user, scope).count()
    return render(request, "intake/verify.html", {
        "fv": fv, "page": fv.page, "value": shown["value"] if value is None else value, "reason": shown["reason"],
        "ocr_value": shown["ocr_value"], "error": error, "scope": scope, "waiting": waiting,
        "skip_url": _queue_url(scope, fv.pk), "is_responsible": form.is_responsible(request.user),
        "hint": _HINTS.get(fv.type, ""),
    }, status=400 if error else 200)


_HINTS = {
    "checkbox": "チェックあり 1 ／ なし 0",
    "date": "例: 2023-05-01 または 令和5年5月1日",
    "month": "例: 2026-04",
    "postal": "7桁の数字",
    "phone": "数字のみ",
    "code": "4桁の施設コード",
    "digits": "数字のみ",
    "katakana": "カタカナ(姓と名の間に空白)",
    "kanji": "記入どおりに",
}


@allow(*VENDOR)
def field_crop(request: HttpRequest, pk: int) -> HttpResponse:
    """The field's image crop: a personal field's is refused (403, audited) to an operator."""
    fv = _field(request, pk)
    try:
        return _image(verification.crop_png(fv, request.user, request=request))
    except FieldRefused:
        return _refused(request, "この欄の画像は委託先責任者だけが表示できます。")
    except IntakeError:
        raise Http404 from None


@allow(*VENDOR)
def field_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole page of a field, on request, with the way back to the field."""
    fv = _field(request, pk)
    if not form.may_see(request.user, fv.personal):
        return _field_refused(request, fv, "intake.field.refused")
    scope = verification.scope_for(request.user, request.GET.get("scope"))
    return render(request, "intake/field_page.html", {
        "fv": fv, "page": fv.page, "scope": scope, "is_responsible": form.is_responsible(request.user),
    })
