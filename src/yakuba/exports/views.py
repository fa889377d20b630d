from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.exports import service
from yakuba.exports.models import Export

STAFF = (Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE, Role.CITY_STAFF, Role.CITY_SUPERVISOR)
APPROVERS = (Role.VENDOR_RESPONSIBLE, Role.CITY_SUPERVISOR)


@allow(*STAFF, menu=_("出力の申請と承認"), section=_("共通"), order=800)
def export_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = Export.objects.filter(requested_by=user)[:50]
    pending = [e for e in Export.objects.filter(status=Export.Status.PENDING, organisation=getattr(user.organisation, "code", ""))
               .exclude(requested_by=user) if service.can_decide(user, e)]
    return render(request, "exports/list.html", {"mine": mine, "pending": pending})


@allow(*STAFF)
@require_POST
def request_export(request: HttpRequest) -> HttpResponse:
    try:
        export = service.request_export(request.user, request.POST.get("kind", ""), reason=request.POST.get("reason", ""))
    except service.ExportRefused as exc:
        messages.error(request, str(exc))
        return redirect("exports:list")
    if export.status == Export.Status.PENDING:
        messages.info(request, gettext("出力番号 %(pk)s: %(rows)s 件の個人情報を含むため、承認を待っています。")
                      % {"pk": export.pk, "rows": export.row_count})
    else:
        messages.success(request, gettext("出力番号 %(pk)s: ダウンロードできます。") % {"pk": export.pk})
    return redirect("exports:list")


@allow(*APPROVERS)
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(Export, pk=pk)
    try:
        service.decide(request.user, export, approve=request.POST.get("decision") == "approve")
    except service.ExportRefused as exc:
        messages.error(request, str(exc))
    return redirect("exports:list")


@allow(*STAFF)
@require_POST
def download(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(Export, pk=pk, requested_by=request.user)
    try:
        file = service.download(request.user, export)
    except service.ExportRefused as exc:
        messages.error(request, str(exc))
        return redirect("exports:list")
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["X-Yakuba-Watermark"] = file.watermark.encode("utf-8").decode("latin-1")
    return response
