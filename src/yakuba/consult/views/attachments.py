"""Screens of a case's attachments (§4): the list on the case page, the upload, the viewer (inline,
watermarked, audited), the content the viewer fetches (ranges, under a view grant), the download
request (an export).

No endpoint answers an attachment's bytes to anyone but its viewers (``actions.attachments``); a
missing id answers 403 like a forbidden one. Every answer is ``Cache-Control: no-store`` (the
site's middleware) and ``Content-Disposition: inline``; the page has no download link — a download
is the export, approved by the センター長.
"""

from __future__ import annotations

from typing import Any, Iterator

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.audit.reveal import reveal_rows
from yakuba.consult import media, ranges
from yakuba.consult.access import Level, access_case_by_id
from yakuba.consult.actions import attachments as actions
from yakuba.consult.forms_attachments import AttachmentForm, DownloadForm
from yakuba.consult.models import Attachment, Case
from yakuba.uploads import InMemoryUploadHandler
from yakuba.vault import service as vault
from yakuba.web import cleaned, user_errors

CENTRE = (Role.CENTER_WORKER, Role.CENTER_SUPERVISOR)
SLACK = 1024 * 1024
"""The upload limit is the file limit plus this (the form's other fields, the multipart framing)."""
NOT_IN_A_PAGE = {"document", "iframe", "frame", "embed", "object"}
"""Sec-Fetch-Dest values refused on the content endpoint: the bytes go to the viewer's player, never
to a browser tab of their own (where the browser's viewer would offer to save them)."""


def case_context(request: HttpRequest, case: Case, level: Level) -> dict[str, Any]:
    """For the case page: the attachments this user may view (titles revealed and audited), the form."""
    if level < Level.SUPERVISOR:
        return {}
    rows = [a for a in case.attachments.select_related("uploaded_by", "case").order_by("uploaded_at", "pk")
            if actions.viewing_level(request.user, a) != Level.NONE]
    titles = reveal_rows(request, rows, ["title"], action="consult.read")
    hidden = case.attachments.count() - len(rows)
    return {"attachment_rows": list(zip(rows, [t.get("title") for t in titles])), "attachments_hidden": hidden,
            "attachment_form": AttachmentForm() if level == Level.ASSIGNED and not case.is_closed else None,
            "attachment_supported": media.SUPPORTED, "attachment_limits": actions.limits()}


def _attachment(pk: int) -> Attachment:
    a = Attachment.objects.select_related("case", "stored", "uploaded_by").filter(pk=pk).first()
    if a is None:
        raise PermissionDenied(actions.FORBIDDEN)
    return a


def _case_url(request: HttpRequest, pk: int, **_: Any) -> str:
    return reverse("consult:case", kwargs={"pk": pk})


def _attachment_case_url(request: HttpRequest, pk: int, **_: Any) -> str:
    return reverse("consult:case", kwargs={"pk": _attachment(pk).case_id})


@allow(*CENTRE)
@csrf_exempt
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The file arrives in memory only (no temporary file), up to the attachment limit; CSRF is
    checked once that choice is made (as the intake's upload)."""
    from django.conf import settings

    request.upload_handlers = [InMemoryUploadHandler(request, limit=settings.YAKUBA_ATTACHMENT_MAX_MB * 1024 * 1024
                                                     + SLACK)]
    return _upload(request, pk=pk)


@csrf_protect
@require_POST
@user_errors(_case_url)
def _upload(request: HttpRequest, pk: int) -> HttpResponse:
    case, _level = access_case_by_id(request.user, pk, at_least=Level.ASSIGNED)
    data = cleaned(AttachmentForm, request)
    upload = data["file"]
    a = actions.do_upload(case, request.user, title=data["title"], data=upload.read(), health=data["health"],
                          request=request)
    messages.success(request, f"添付 {a.pk}({a.get_kind_display()})を暗号化して登録しました。")
    return redirect("consult:case", pk=case.pk)


@allow(*CENTRE)
@require_GET
def attachment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The viewer: one audited viewing, the file inline under the viewer's watermark."""
    a = _attachment(pk)
    grant = actions.do_view(request.user, a, request=request)
    [row] = reveal_rows(request, [a], ["title"], action="consult.read")
    content = reverse("consult:attachment_content", kwargs={"pk": a.pk}) + f"?g={grant.token}"
    return render(request, "consult/attachments_view.html", {
        "a": a, "title": row.get("title"), "content_url": content, "lines": actions.watermark_lines(request.user, a, grant.at),
        "repeat": range(60), "may_request": actions.viewing_level(request.user, a) == Level.ASSIGNED,
        "download_form": DownloadForm(), "expires_at": grant.expires_at,
    })


def _stream(opened: vault.OpenRange, start: int, end: int) -> Iterator[bytes]:
    try:
        yield from opened.reader.read_range(start, end)
    finally:
        opened.close()


@allow(*CENTRE)
@require_GET
def attachment_content(request: HttpRequest, pk: int) -> HttpResponse:
    """The bytes the viewer's player fetches, under the viewing's grant (not audited again): an
    image with the watermark burned in; a PDF or a recording as stored, a range at a time (206),
    decrypting only the chunks the range needs."""
    a = _attachment(pk)
    grant = actions.check_grant(request.user, a, request.GET.get("g", ""))
    if request.headers.get("Sec-Fetch-Dest", "").lower() in NOT_IN_A_PAGE:
        raise PermissionDenied("添付ファイルはケースの画面の閲覧画面でだけ表示できます。")
    name = f"attachment-{a.pk}.{media.BY_ID[a.format].ext}"
    if a.kind == Attachment.Kind.IMAGE:
        response: HttpResponse | StreamingHttpResponse = HttpResponse(actions.watermarked_image(request.user, a, grant),
                                                                      content_type=a.content_type)
    else:
        opened = vault.open_range(a.stored)
        try:
            wanted = ranges.parse_range(request.headers.get("Range"), opened.size)
        except ranges.Unsatisfiable:
            opened.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{a.size}"
            response["Content-Disposition"] = f'inline; filename="{name}"'
            return response
        start, end = wanted if wanted is not None else (0, opened.size)
        response = StreamingHttpResponse(_stream(opened, start, end), status=206 if wanted else 200,
                                         content_type=a.content_type)
        response["Content-Length"] = str(end - start)
        if wanted:
            response["Content-Range"] = ranges.content_range(start, end, opened.size)
    response["Accept-Ranges"] = "bytes" if a.kind != Attachment.Kind.IMAGE else "none"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Yakuba-View"] = str(grant["e"])
    return response


@allow(*CENTRE)
@require_POST
@user_errors(_attachment_case_url)
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A download is an export: asked here with a reason, approved by the センター長, delivered once."""
    a = _attachment(pk)
    data = cleaned(DownloadForm, request)
    export = actions.do_request_download(request.user, a, data["reason"], request=request)
    messages.info(request, f"出力番号 {export.pk}: 添付 {a.pk} のダウンロードを申請しました。センター長の承認を待っています。")
    return redirect("exports:list")


__all__ = ["case_context", "attachment_upload", "attachment_view", "attachment_content", "attachment_download"]
