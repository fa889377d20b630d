"""The applications: the list (and the 照合待ち queue), one application, entry by hand at the
counter, corrections, and matching to the 住民記録 by 宛名番号."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.admission.actions.applications import (BOOLEAN_FACTS, do_confirm_match, do_correct_application,
                                                   do_enter_application, points_breakdown)
from yakuba.admission.forms import CorrectionForm, EntryForm, MatchForm
from yakuba.admission.models import Application
from yakuba.admission.views.common import KODOMO, ROLES, SECTION, breakdown_told
from yakuba.audit.reveal import reveal, reveal_rows
from yakuba.web import cleaned, user_errors

APP_LIST = ("child_name",)
APP_DETAIL = ("child_name", "child_kana", "child_birth", "address", "guardian1_name", "guardian2_name")
APP_SHOWN = APP_DETAIL + ("facts",)
RESIDENTS = ("child_resident", "guardian1_resident", "guardian2_resident")


@allow(*ROLES, menu=_("利用申込と住民記録の照合"), section=SECTION, order=410, **KODOMO)
def application_list(request: HttpRequest) -> HttpResponse:
    apps = Application.objects.all()
    only = request.GET.get("match", "")
    if only in Application.Match.values:
        apps = apps.filter(match=only)
    page = Paginator(apps, 50).get_page(request.GET.get("page"))
    items = list(page.object_list)
    rows = list(zip(items, reveal_rows(request, items, APP_LIST)))
    return render(request, "admission/application_list.html", {"rows": rows, "page": page, "only": only,
                                                               "matches": Application.Match.choices})


@allow(*ROLES, **KODOMO)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    with_residents = Application.objects.select_related("child_resident", "guardian1_resident", "guardian2_resident")
    app = get_object_or_404(with_residents, pk=pk)
    row = reveal(request, app, APP_SHOWN, derived={"breakdown": (breakdown_told(app), points_breakdown(app))})
    residents = [r for r in (getattr(app, name) for name in RESIDENTS) if r is not None]
    atena = {r["pk"]: r["atena_number"] for r in reveal_rows(request, residents, ("atena_number",), action="personal.read")}
    facts = row["facts"] if isinstance(row["facts"], dict) else {}
    return render(request, "admission/application_detail.html", {
        "app": app, "row": row, "facts_row": facts,
        "atena": {name: atena.get(getattr(app, f"{name}_id"), "") for name in RESIDENTS},
        "results": app.results.select_related("round").order_by("round__number"),
        "labels": [(f, str(Application._meta.get_field(f).verbose_name)) for f in APP_DETAIL],
        "facts": [(k, label, bool(facts.get(k))) for k, label in BOOLEAN_FACTS.items()],
    })


@allow(*ROLES, **KODOMO)
@require_POST
@user_errors("admission:application")
def application_match(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    do_confirm_match(app, request.user, **cleaned(MatchForm, request), request=request)
    messages.success(request, f"受付番号 {app.receipt_number} の照合を確定しました。")
    return redirect("admission:application", pk=pk)


@allow(*ROLES, **KODOMO)
@require_POST
@user_errors("admission:application")
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    do_correct_application(app, request.user, cleaned(CorrectionForm, request)["changes"], request=request)
    messages.success(request, f"受付番号 {app.receipt_number} を修正しました。")
    return redirect("admission:application", pk=pk)


@allow(*ROLES, **KODOMO)
@require_POST
@user_errors("admission:applications")
def application_create(request: HttpRequest) -> HttpResponse:
    """An application entered by hand at the counter (窓口), matched to the residents like any other."""
    values = cleaned(EntryForm, request)
    year, number = values.pop("year"), values.pop("receipt_number")
    app = do_enter_application(request.user, admission_year=year, receipt_number=number, values=values,
                               request=request)
    messages.success(request, f"受付番号 {number} を登録しました({app.get_match_display()})。")
    return redirect("admission:application", pk=app.pk)
