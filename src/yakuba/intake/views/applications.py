"""The records (入園申請): list, detail, and the form for records entered by hand."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.access import allow
from yakuba.audit.forms import form_for, save_audited
from yakuba.audit.reveal import reveal, reveal_rows
from yakuba.intake.actions import review
from yakuba.intake.models import DETAIL_FIELDS, EDIT_FIELDS, LIST_FIELDS, Application
from yakuba.intake.views.common import SECTION, VENDOR, applications
from yakuba.web import user_errors


PER_PAGE = 50


def _labels(fields: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(f, str(Application._meta.get_field(f).verbose_name)) for f in fields]


@allow(*VENDOR, menu=_("入園申請の一覧"), section=SECTION, order=10)
def application_list(request: HttpRequest) -> HttpResponse:
    """A page of the records at a time: each page's reads count against the read budget, so the
    whole list is read through the export step, not by one page of thousands."""
    page = Paginator(applications(request), PER_PAGE).get_page(request.GET.get("page"))
    rows = reveal_rows(request, page.object_list, LIST_FIELDS)
    return render(request, "intake/list.html", {"rows": rows, "page": page, "columns": _labels(LIST_FIELDS)})


@allow(*VENDOR)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(applications(request), pk=pk)
    row = reveal(request, app, DETAIL_FIELDS + ("points_lines", "points_problems"))
    return render(request, "intake/detail.html", {"row": row, "columns": _labels(DETAIL_FIELDS), "app": app})


def _where_to_correct(request: HttpRequest, pk: int) -> str:
    app = get_object_or_404(applications(request), pk=pk)
    return reverse("intake:page", args=[app.page_id]) if app.page_id else reverse("intake:detail", args=[pk])


@allow(*VENDOR)
@user_errors(_where_to_correct)
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an application entered by hand. An operator's form has no name or address fields at all."""
    app = get_object_or_404(applications(request), pk=pk)
    review.check_hand_edit(app)
    form_class = form_for(request.user, Application, EDIT_FIELDS)
    edit = form_class(request.POST or None, instance=app)
    if request.method == "POST" and edit.is_valid():
        save_audited(request, edit)
        messages.success(request, gettext("入園申請 %(number)s を保存しました。") % {"number": app.receipt_number})
        return redirect("intake:detail", pk=app.pk)
    if request.method == "GET":
        reveal(request, app, list(edit.fields))  # what the form shows is a read, and logged as one
    return render(request, "intake/edit.html", {"form": edit, "app": app})
