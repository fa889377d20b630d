"""The rounds: the list, a new round, the results page, and each step of a round (compute, what-if,
approve, the second round, the letters and the results CSV)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.admission import config
from yakuba.admission.actions.computing import do_what_if
from yakuba.admission.actions.rounds import (do_approve, do_create_round, do_create_second_round, do_start_compute,
                                             overview, read_facilities)
from yakuba.admission.forms import FacilitiesForm, NoticesForm, WhatIfForm
from yakuba.admission.models import Application, Delivery, Result, Round
from yakuba.admission.views.common import KODOMO, ROLES, SECTION, in_memory
from yakuba.exports.views import requested
from yakuba.web import cleaned, user_errors

CHILD_LINKS = 500
"""Links to children on the results page; the rest through the applications list."""


def what_if_key(rnd: Round) -> str:
    """Where the last what-if of the round waits in the session until the page shows it."""
    return f"admission-what-if-{rnd.pk}"


@allow(*ROLES, menu=_("利用調整"), section=SECTION, order=400, **KODOMO)
def round_list(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    return render(request, "admission/round_list.html", {
        "rounds": Round.objects.select_related("previous")[:50],
        "deliveries": Delivery.objects.all()[:20],
        "pending": Application.objects.filter(match=Application.Match.PENDING).count(),
        "applications": Application.objects.count(),
        "this_year": today.year + (0 if today.month < 4 else 1),
    })


@allow(*ROLES, **KODOMO)
@require_POST
@user_errors("admission:rounds")
def round_create(request: HttpRequest) -> HttpResponse:
    data = cleaned(FacilitiesForm, request)
    given = data["facilities"]
    rows = read_facilities(in_memory(given)) if given else config.facilities()
    rnd = do_create_round(data["year"], rows, request.user, request=request)
    messages.success(request, f"{rnd.label}を作成しました。")
    return redirect("admission:rounds")


def _bars(values: list[int | None]) -> list[dict]:
    top = max([v for v in values if v] or [1])
    return [{"age": a, "value": v, "width": int(100 * (v or 0) / top)} for a, v in enumerate(values)]


@allow(*ROLES, **KODOMO)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(Round.objects.select_related("started_by", "approved_by", "previous"), pk=pk)
    figures = overview(rnd)
    return render(request, "admission/round_detail.html", {
        "round": rnd, "table": figures["table"], "counts": figures["counts"],
        "waiting_chart": _bars(figures["waiting"]), "cutoff_chart": _bars(figures["cutoffs"]),
        "is_supervisor": request.user.role == Role.CITY_SUPERVISOR,
        "what_if": request.session.pop(what_if_key(rnd), None),
        "table_rows": _table_rows(figures["table"]),
        "children": _child_links(rnd),
    })


def _table_rows(table: list[dict]) -> SafeString:
    """The facility × age rows as HTML built here: thousands of rows, far faster than the template loop."""
    return mark_safe("".join(
        f"<tr><td>{escape(r['facility'].code)} {escape(r['facility'].name)}</td><td>{r['age']}歳</td><td>{r['capacity']}</td>"
        f"<td>{r['placed']}</td><td>{'—' if r['cutoff'] is None else r['cutoff']}</td><td>{r['waiting']}</td></tr>"
        for r in table))


def _child_links(rnd: Round) -> SafeString:
    labels = dict(Result.Status.choices)
    rows = (rnd.results.order_by("application__receipt_number")
            .values_list("pk", "status", "application__receipt_number")[:CHILD_LINKS])
    return mark_safe("".join(
        f'<li><a href="{reverse("admission:child", args=[pk])}">{escape(number)}</a>: {labels[status]}</li>'
        for pk, status, number in rows))


@allow(*ROLES, **KODOMO)
@require_POST
@user_errors("admission:round")
def round_compute(request: HttpRequest, pk: int) -> HttpResponse:
    job = do_start_compute(get_object_or_404(Round, pk=pk), request.user, request=request)
    messages.info(request, "利用調整の計算を開始しました。")
    return redirect("jobs:detail", pk=job.pk)


@allow(Role.CITY_SUPERVISOR, **KODOMO)
@require_POST
@user_errors("admission:round")
def round_approve(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = do_approve(get_object_or_404(Round, pk=pk), request.user, request=request)
    messages.success(request, f"{rnd.label}を承認しました。通知と結果データを作成できます。")
    return redirect("admission:round", pk=pk)


@allow(*ROLES, **KODOMO)
@require_POST
@user_errors("admission:round")
def round_what_if(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(Round, pk=pk)
    data = cleaned(WhatIfForm, request)
    request.session[what_if_key(rnd)] = do_what_if(rnd, data["facility"], data["age"], data["capacity"],
                                                   request.user, request=request)
    return redirect("admission:round", pk=pk)


@allow(*ROLES, **KODOMO)
@require_POST
@user_errors("admission:round")
def round_second(request: HttpRequest, pk: int) -> HttpResponse:
    second = do_create_second_round(get_object_or_404(Round, pk=pk), request.user, request=request)
    messages.success(request, f"{second.label}を作成しました。計算を開始してください。")
    return redirect("admission:round", pk=second.pk)


@allow(*ROLES, **KODOMO)
@require_POST
@user_errors("admission:round")
def round_notices(request: HttpRequest, pk: int) -> HttpResponse:
    """The letters in batch leave through the export step (bulk: they wait for the 所属長)."""
    rnd = get_object_or_404(Round, pk=pk)
    return requested(request, "admission.notices", {"round": rnd.pk, "kind": cleaned(NoticesForm, request)["kind"]})


@allow(*ROLES, **KODOMO)
@require_POST
@user_errors("admission:round")
def round_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The results CSV leaves through the export step."""
    return requested(request, "admission.results", {"round": get_object_or_404(Round, pk=pk).pk})
