from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.audit.forms import form_for, save_audited
from yakuba.audit.reveal import reveal, reveal_rows
from yakuba.intake.models import DETAIL_FIELDS, EDIT_FIELDS, LIST_FIELDS, Application

VENDOR = (Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE)


def _mine(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Application.objects.filter(vendor=request.user.organisation)


def _labels(fields: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(f, str(Application._meta.get_field(f).verbose_name)) for f in fields]


@allow(*VENDOR, menu=_("入園申請の一覧"), section=_("入園申請データ入力"), order=10)
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
    """Correct an application. An operator's form has no name or address fields at all."""
    app = get_object_or_404(_mine(request), pk=pk)
    form_class = form_for(request.user, Application, EDIT_FIELDS)
    form = form_class(request.POST or None, instance=app)
    if request.method == "POST" and form.is_valid():
        save_audited(request, form)
        messages.success(request, gettext("入園申請 %(number)s を保存しました。") % {"number": app.receipt_number})
        return redirect("intake:detail", pk=app.pk)
    if request.method == "GET":
        reveal(request, app, list(form.fields))  # what the form shows is a read, and logged as one
    return render(request, "intake/edit.html", {"form": form, "app": app})
