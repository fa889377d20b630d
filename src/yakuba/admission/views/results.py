"""One child's result: the decision and why (決定理由), the letter, the guardian's answer."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.admission.actions.notices import do_record_response
from yakuba.admission.forms import ResponseForm
from yakuba.admission.models import Result
from yakuba.admission.views.common import KODOMO, ROLES, breakdown_told
from yakuba.audit.reveal import reveal
from yakuba.exports.views import requested
from yakuba.web import cleaned, user_errors


@allow(*ROLES, **KODOMO)
def child(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(Result.objects.select_related("round", "application"), pk=pk)
    row = reveal(request, result.application, ("child_name",),
                 derived={"breakdown": (breakdown_told(result.application), result.breakdown)})
    names = dict(result.round.facilities.values_list("code", "name"))
    notes = [dict(n, name=names.get(n["facility"], n["facility"])) for n in result.explanation.get("wishes", [])]
    return render(request, "admission/child.html", {"result": result, "row": row, "notes": notes,
                                                    "facility": names.get(result.facility, result.facility)})


@allow(*ROLES, **KODOMO)
@user_errors("admission:child")
def child_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """One child's letter at the counter: through the export step, not bulk, so straight to the file."""
    return requested(request, "admission.notice", {"result": get_object_or_404(Result, pk=pk).pk})


@allow(*ROLES, **KODOMO)
@require_POST
@user_errors("admission:child")
def child_response(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(Result.objects.select_related("round"), pk=pk)
    do_record_response(result, cleaned(ResponseForm, request)["response"], request.user, request=request)
    messages.success(request, "保護者の回答を記録しました。")
    return redirect("admission:child", pk=pk)
