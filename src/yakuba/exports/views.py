"""Screens of the one export step: parse with a form, call an action; ``@user_errors`` shows a refusal."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.exports.actions import approval
from yakuba.exports.actions.download import do_download
from yakuba.exports.forms import DecisionForm, RequestForm
from yakuba.exports.models import Export
from yakuba.web import cleaned, file_response, user_errors

STAFF = (Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE, Role.CITY_STAFF, Role.CITY_SUPERVISOR)
APPROVERS = (Role.VENDOR_RESPONSIBLE, Role.CITY_SUPERVISOR)


@allow(*STAFF, menu=_("出力の申請と承認"), section=_("共通"), order=800)
def export_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = Export.objects.filter(requested_by=user)[:50]
    pending = [e for e in Export.objects.filter(status=Export.Status.PENDING, organisation=getattr(user.organisation, "code", ""))
               .exclude(requested_by=user) if approval.can_decide(user, e)]
    return render(request, "exports/list.html", {"mine": mine, "pending": pending})


@allow(*STAFF)
@require_POST
@user_errors("exports:list")
def request_export(request: HttpRequest) -> HttpResponse:
    data = cleaned(RequestForm, request)
    export = approval.do_request_export(request.user, data["kind"], reason=data["reason"])
    if export.status == Export.Status.PENDING:
        messages.info(request, gettext("出力番号 %(pk)s: %(rows)s 件の個人情報を含むため、承認を待っています。")
                      % {"pk": export.pk, "rows": export.row_count})
    else:
        messages.success(request, gettext("出力番号 %(pk)s: ダウンロードできます。") % {"pk": export.pk})
    return redirect("exports:list")


@allow(*APPROVERS)
@require_POST
@user_errors("exports:list")
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(Export, pk=pk)
    approval.do_decide(request.user, export, approve=cleaned(DecisionForm, request)["decision"] == "approve")
    return redirect("exports:list")


@allow(*STAFF)
@require_POST
@user_errors("exports:list")
def download(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(Export, pk=pk, requested_by=request.user)
    file = do_download(request.user, export)
    response = file_response(file.content, file.content_type, file.filename)
    response["X-Yakuba-Watermark"] = file.watermark.encode("utf-8").decode("latin-1")
    return response
