"""Screens of the one export step: parse with a form, call an action; ``@user_errors`` shows a refusal."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.exports.actions import approval, routine
from yakuba.exports.actions.download import do_download
from yakuba.exports.forms import DecisionForm, ReasonForm, RequestForm, RoutineForm
from yakuba.exports.models import Export, RoutineApproval
from yakuba.exports.registry import EXPORTERS
from yakuba.web import cleaned, file_response, user_errors

__all__ = ["export_list", "request_export", "decide", "download", "requested", "routine_create", "routine_revoke"]

STAFF = (Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE, Role.CITY_STAFF, Role.CITY_SUPERVISOR, Role.CENTER_WORKER,
         Role.CENTER_SUPERVISOR)
APPROVERS = (Role.VENDOR_RESPONSIBLE, Role.CITY_SUPERVISOR, Role.CENTER_SUPERVISOR)


@allow(*STAFF, menu=_("出力の申請と承認"), section=_("共通"), order=800)
def export_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    code = getattr(user.organisation, "code", "")
    mine = Export.objects.filter(requested_by=user).select_related("decided_by", "routine__approved_by")[:50]
    pending = [e for e in Export.objects.filter(status=Export.Status.PENDING, organisation=code)
               .select_related("requested_by").exclude(requested_by=user) if approval.can_decide(user, e)]
    kinds = sorted(routine.routine_kinds() & set(EXPORTERS))
    return render(request, "exports/list.html", {
        "mine": mine, "pending": pending,
        "routines": RoutineApproval.objects.filter(organisation=code).select_related("approved_by", "revoked_by")[:50],
        "routine_kinds": [(k, EXPORTERS[k].label) for k in kinds],
        "may_preapprove": bool(kinds) and user.role == routine.APPROVERS.get(getattr(user.organisation, "kind", "")),
        "today": timezone.localdate(), "bulk_rows": settings.YAKUBA_BULK_EXPORT_ROWS,
    })


def requested(request: HttpRequest, kind: str, params: dict) -> HttpResponse:
    """For the screens of the apps: ask for an export of `kind` with the reason in the POST (or
    none, for a link); to its download when it may go now, else to the list to wait."""
    reason = cleaned(ReasonForm, request)["reason"] if request.method == "POST" else ""
    export = approval.do_request_export(request.user, kind, params, reason=reason or "")
    return _after_request(request, export)


def _after_request(request: HttpRequest, export: Export) -> HttpResponse:
    if export.status == Export.Status.PENDING:
        messages.info(request, gettext("出力番号 %(pk)s: %(rows)s 件の個人情報を含むため、承認を待っています。")
                      % {"pk": export.pk, "rows": export.row_count})
        return redirect("exports:list")
    if export.bulk:  # approved by a routine pre-approval: downloaded from the list like any bulk file
        messages.success(request, gettext("出力番号 %(pk)s: 定例出力の事前承認によりダウンロードできます。") % {"pk": export.pk})
        return redirect("exports:list")
    return redirect("exports:download", pk=export.pk)


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
@require_http_methods(["GET", "POST"])
@user_errors("exports:list")
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: where a screen sends a file that may go at once (one child's notice); POST: the list's button."""
    export = get_object_or_404(Export, pk=pk, requested_by=request.user)
    file = do_download(request.user, export)
    inline = file.content_type == "application/pdf" and not export.bulk
    response = file_response(file.content, file.content_type, file.filename, inline=inline)
    response["X-Yakuba-Watermark"] = file.watermark
    return response


@allow(*APPROVERS)
@require_POST
@user_errors("exports:list")
def routine_create(request: HttpRequest) -> HttpResponse:
    data = cleaned(RoutineForm, request)
    pre = routine.do_preapprove(request.user, data["kind"], data["valid_from"], data["valid_until"], data["reason"])
    messages.success(request, gettext("定例出力「%(label)s」を %(start)s から %(end)s まで事前承認しました。")
                     % {"label": pre.label, "start": pre.valid_from, "end": pre.valid_until})
    return redirect("exports:list")


@allow(*APPROVERS)
@require_POST
@user_errors("exports:list")
def routine_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    routine.do_revoke(request.user, get_object_or_404(RoutineApproval, pk=pk))
    messages.success(request, gettext("事前承認を取り消しました。"))
    return redirect("exports:list")
