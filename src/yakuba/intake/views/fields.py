"""Verification of fields (読み取り結果の確認): the queue, one field per screen, its image, its page.

Keyboard first: the value is focused, Enter confirms it and opens the next field of the queue;
Tab reaches 飛ばす and ページ全体. A field this user may not open is refused (403, audited) before
anything of it is read.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.access import allow
from yakuba.intake import fields as form
from yakuba.intake.actions import verification
from yakuba.intake.forms import HINTS, FieldValueForm
from yakuba.intake.models import FieldValue
from yakuba.intake.views.common import SECTION, VENDOR, field, private_file
from yakuba.web import user_errors


def _queue_url(scope: str, after: int | None = None) -> str:
    query = {"scope": scope}
    if after is not None:
        query["after"] = str(after)
    return f"{reverse('intake:queue')}?{urlencode(query)}"


def _verify_url(fv: FieldValue, scope: str) -> str:
    return f"{reverse('intake:verify', args=[fv.pk])}?{urlencode({'scope': scope})}"


@allow(*VENDOR, menu=_("読み取り結果の確認"), section=SECTION, order=30)
def queue_view(request: HttpRequest) -> HttpResponse:
    """The next field waiting for this user: an operator never gets a personal field."""
    scope = verification.scope_for(request.user, request.GET.get("scope"))
    after = verification.field_after(request.user, request.GET.get("after"))
    fv = verification.next_field(request.user, scope, after=after)
    if fv is not None:
        return redirect(_verify_url(fv, scope))
    return render(request, "intake/queue_empty.html", {"scope": scope, "is_responsible": form.is_responsible(request.user)})


@allow(*VENDOR)
def verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One field: its image beside the value. Enter confirms and opens the next; Tab reaches the links."""
    fv = field(request, pk)
    verification.check_field(fv, request.user, request)
    if request.method == "POST":
        return _verify(request, fv=fv)
    return _field_screen(request, fv, verification.scope_for(request.user, request.GET.get("scope")))


def _this_field(request: HttpRequest, fv: FieldValue) -> str:
    return _verify_url(fv, verification.scope_for(request.user, request.GET.get("scope")))


@user_errors(_this_field)
def _verify(request: HttpRequest, fv: FieldValue) -> HttpResponse:
    """A value that does not fit the field is shown on its screen (400); a stored one opens the next."""
    posted = FieldValueForm(request.POST, fv=fv, user=request.user)
    valid = posted.is_valid()
    scope = verification.scope_for(request.user, posted.cleaned_data.get("scope") or request.GET.get("scope"))
    if not valid:
        return _field_screen(request, fv, scope, posted)
    verification.do_verify_field(fv, posted.cleaned_data["value"], request.user, request=request)
    nxt = verification.next_field(request.user, scope, after=fv)
    if nxt is None:
        messages.success(request, "確認待ちの欄はすべて確認しました。")
        return redirect(_queue_url(scope))
    return redirect(_verify_url(nxt, scope))


def _field_screen(request: HttpRequest, fv: FieldValue, scope: str, posted: FieldValueForm | None = None) -> HttpResponse:
    shown = verification.show_field(fv, request.user, request=request)
    error = posted.error() if posted is not None else ""
    return render(request, "intake/verify.html", {
        "fv": fv, "page": fv.page, "value": (posted["value"].value() or "") if posted is not None else shown["value"],
        "reason": shown["reason"], "ocr_value": shown["ocr_value"], "error": error, "scope": scope,
        "waiting": verification.queue(request.user, scope).count(), "skip_url": _queue_url(scope, fv.pk),
        "is_responsible": form.is_responsible(request.user), "hint": HINTS.get(fv.type, ""),
    }, status=400 if error else 200)


@allow(*VENDOR)
def field_crop(request: HttpRequest, pk: int) -> HttpResponse:
    """The field's image crop: a personal field's is refused (403, audited) to an operator."""
    fv = field(request, pk)
    return private_file(verification.crop_png(fv, request.user, request=request), "image/png",
                        f"field-{fv.pk}.png", inline=True)


@allow(*VENDOR)
def field_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole page of a field, on request, with the way back to the field."""
    fv = field(request, pk)
    verification.check_field(fv, request.user, request)
    scope = verification.scope_for(request.user, request.GET.get("scope"))
    return render(request, "intake/field_page.html", {
        "fv": fv, "page": fv.page, "scope": scope, "is_responsible": form.is_responsible(request.user),
    })
