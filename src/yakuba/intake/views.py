from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.audit.reveal import reveal, reveal_rows
from yakuba.intake.models import DETAIL_FIELDS, LIST_FIELDS, Application

VENDOR = (Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE)


def _mine(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Application.objects.filter(vendor=request.user.organisation)


def _labels(fields: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(f, str(Application._meta.get_field(f).verbose_name)) for f in fields]


@allow(*VENDOR, menu="入園申請の一覧", section="入園申請データ入力", order=10)
def application_list(request: HttpRequest) -> HttpResponse:
    rows = reveal_rows(request, _mine(request), LIST_FIELDS)
    return render(request, "intake/list.html", {"rows": rows, "columns": _labels(LIST_FIELDS)})


@allow(*VENDOR)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(_mine(request), pk=pk)
    row = reveal(request, app, DETAIL_FIELDS)
    return render(request, "intake/detail.html", {"row": row, "columns": _labels(DETAIL_FIELDS), "app": app})
