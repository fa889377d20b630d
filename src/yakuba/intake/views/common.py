"""What the intake's screens share: who may use them, and the objects of this user's organisation."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.roles import Role
from yakuba.intake.models import Application, Batch, FieldValue, Page
from yakuba.web import file_response

VENDOR = (Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE)
RESPONSIBLE = (Role.VENDOR_RESPONSIBLE,)
SECTION = _("入園申請データ入力")


def applications(request: HttpRequest) -> QuerySet[Application]:
    return Application.objects.filter(vendor=request.user.organisation)


def batches(request: HttpRequest) -> QuerySet[Batch]:
    return Batch.objects.filter(vendor=request.user.organisation)


def page(request: HttpRequest, pk: int) -> Page:
    return get_object_or_404(Page.objects.select_related("batch").filter(batch__vendor=request.user.organisation), pk=pk)


def field(request: HttpRequest, pk: int) -> FieldValue:
    return get_object_or_404(FieldValue.objects.select_related("page", "page__batch")
                             .filter(page__batch__vendor=request.user.organisation), pk=pk)


def private_file(data: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    """A scan, a crop or the package: never kept by the browser's or a proxy's cache."""
    response = file_response(data, content_type, filename, inline=inline)
    response["Cache-Control"] = "no-store"
    return response
