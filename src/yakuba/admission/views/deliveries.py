"""The vendor's delivery package and the tax system's 所得割額: uploaded, imported, the receipt sent back."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.admission.actions.deliveries import do_import_package
from yakuba.admission.actions.income import do_import_income
from yakuba.admission.forms import IncomeForm, PackageForm
from yakuba.admission.models import Delivery
from yakuba.admission.views.common import KODOMO, ROLES, in_memory
from yakuba.web import cleaned, file_response, user_errors


@allow(*ROLES, **KODOMO)
@require_POST
@user_errors("admission:rounds")
def package_import(request: HttpRequest) -> HttpResponse:
    data = cleaned(PackageForm, request)
    upload = data["package"]
    d = do_import_package(upload, request.user, admission_year=data["year"], name=upload.name)
    messages.success(request, f"納品 {d.batch} を受領しました({d.records} 件)。受領書を委託先へ返送してください。")
    return redirect("admission:rounds")


@allow(*ROLES, **KODOMO)
def delivery_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    d = get_object_or_404(Delivery, pk=pk)
    return file_response(bytes(d.receipt), "application/json", f"receipt-{d.batch}.json")


@allow(*ROLES, **KODOMO)
@require_POST
@user_errors("admission:rounds")
def income_import(request: HttpRequest) -> HttpResponse:
    data = cleaned(IncomeForm, request)
    r = do_import_income(in_memory(data["income"]), request.user, year=data["year"], request=request)
    messages.success(request, f"所得割額を {r.residents} 人分取り込みました(住民記録にない宛名番号 {r.unknown} 件)。")
    return redirect("admission:rounds")
