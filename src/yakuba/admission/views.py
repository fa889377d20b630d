"""Screens of the 利用調整 (子ども家庭課 only): thin, every step is a service call."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.admission.actions import applications, computing, deliveries, income, notices, rounds
from yakuba.admission.errors import AdmissionError
from yakuba.admission.config import ORGANISATION
from yakuba.admission.models import Application, Delivery, Result, Round
from yakuba.audit.reveal import reveal, reveal_rows

KODOMO = dict(departments=(ORGANISATION,))
ROLES = (Role.CITY_STAFF, Role.CITY_SUPERVISOR)
SECTION = _("保育所等の利用調整")

APP_LIST = ("child_name",)
CHILD_LINKS = 500
"""Links to children on the results page; the rest through the applications list."""
APP_DETAIL = ("child_name", "child_kana", "child_birth", "address", "guardian1_name", "guardian2_name")


def _year(value: str) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 2000 <= year <= 2100 else None


def _upload(request: HttpRequest, name: str, suffix: str) -> Path | None:
    f = request.FILES.get(name)
    if f is None:
        return None
    tmp = tempfile.NamedTemporaryFile(delete=False, suffix=suffix, prefix="admission-upload-")
    with tmp:
        for chunk in f.chunks():
            tmp.write(chunk)
    return Path(tmp.name)


@allow(*ROLES, menu=_("利用調整"), section=SECTION, order=400, **KODOMO)
def round_list(request: HttpRequest) -> HttpResponse:
    return render(request, "admission/round_list.html", {
        "rounds": Round.objects.select_related("previous")[:50],
        "deliveries": Delivery.objects.all()[:20],
        "pending": Application.objects.filter(match=Application.Match.PENDING).count(),
        "applications": Application.objects.count(),
        "this_year": dt.date.today().year + (0 if dt.date.today().month < 4 else 1),
    })


def _with_file(request: HttpRequest, name: str, suffix: str, step) -> None:  # type: ignore[no-untyped-def]
    year = _year(request.POST.get("year", ""))
    path = _upload(request, name, suffix)
    if year is None or path is None:
        messages.error(request, "年度とファイルを指定してください。")
        return
    try:
        step(path, year)
    except AdmissionError as exc:
        messages.error(request, str(exc))
    finally:
        path.unlink(missing_ok=True)


@allow(*ROLES, **KODOMO)
@require_POST
def package_import(request: HttpRequest) -> HttpResponse:
    def step(path: Path, year: int) -> None:
        d = deliveries.do_import_package(path, request.user, admission_year=year)
        messages.success(request, f"納品 {d.batch} を受領しました({d.records} 件)。受領書を委託先へ返送してください。")
    _with_file(request, "package", ".yakuba", step)
    return redirect("admission:rounds")


@allow(*ROLES, **KODOMO)
def delivery_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    d = get_object_or_404(Delivery, pk=pk)
    response = HttpResponse(bytes(d.receipt), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="receipt-{d.batch}.json"'
    return response


@allow(*ROLES, **KODOMO)
@require_POST
def income_import(request: HttpRequest) -> HttpResponse:
    def step(path: Path, year: int) -> None:
        r = income.do_import_income(path, request.user, year=year, request=request)
        messages.success(request, f"所得割額を {r.residents} 人分取り込みました(住民記録にない宛名番号 {r.unknown} 件)。")
    _with_file(request, "income", ".csv", step)
    return redirect("admission:rounds")


@allow(*ROLES, **KODOMO)
@require_POST
def round_create(request: HttpRequest) -> HttpResponse:
    def step(path: Path, year: int) -> None:
        rnd = rounds.do_create_round(year, rounds.read_facilities(path), request.user, request=request)
        messages.success(request, f"{rnd.label}を作成しました。")
    _with_file(request, "facilities", ".csv", step)
    return redirect("admission:rounds")


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
    app = get_object_or_404(Application.objects.select_related("child_resident", "guardian1_resident", "guardian2_resident"), pk=pk)
    row = reveal(request, app, APP_DETAIL)
    breakdown = applications.points_breakdown(app)
    return render(request, "admission/application_detail.html", {
        "app": app, "row": row, "breakdown": breakdown,
        "results": app.results.select_related("round").order_by("round__number"),
        "labels": [(f, str(Application._meta.get_field(f).verbose_name)) for f in APP_DETAIL],
        "facts": [(k, label, bool((app.facts or {}).get(k))) for k, label in applications.BOOLEAN_FACTS.items()],
    })


@allow(*ROLES, **KODOMO)
@require_POST
def application_match(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    try:
        applications.do_confirm_match(app, request.user, child=request.POST.get("child", ""),
                               guardian1=request.POST.get("guardian1", ""), guardian2=request.POST.get("guardian2", ""),
                               request=request)
        messages.success(request, f"受付番号 {app.receipt_number} の照合を確定しました。")
    except AdmissionError as exc:
        messages.error(request, str(exc))
    return redirect("admission:application", pk=pk)


@allow(*ROLES, **KODOMO)
@require_POST
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    try:
        changes = _changes(request, app)
        applications.do_correct_application(app, request.user, changes, request=request)
        messages.success(request, f"受付番号 {app.receipt_number} を修正しました。")
    except ValueError:
        messages.error(request, "基準点は整数で入力してください。")
    except AdmissionError as exc:
        messages.error(request, str(exc))
    return redirect("admission:application", pk=pk)


def _codes(text: str) -> list[str]:
    return [w for w in text.replace("、", ",").replace(" ", ",").split(",") if w.strip()]


def _changes(request: HttpRequest, app: Application) -> dict:
    """The form's values as changes to the application (ValueError for a number that is not one)."""
    post = request.POST
    changes: dict = {}
    if post.get("base_points", "").strip():
        changes["base_points"] = int(post["base_points"])
    if "wishes" in post:
        changes["wishes"] = _codes(post["wishes"])
    if post.get("facts_form"):
        facts = {k: True for k in applications.BOOLEAN_FACTS if post.get(k)}
        if _codes(post.get("siblings_enrolled", "")):
            facts["siblings_enrolled"] = _codes(post["siblings_enrolled"])
        if post.get("number_of_children", "").strip():
            facts["number_of_children"] = int(post["number_of_children"])
        if post.get("current", "").strip():
            facts["current"] = post["current"].strip()
        changes["facts"] = facts
    return changes


@allow(*ROLES, **KODOMO)
@require_POST
def application_create(request: HttpRequest) -> HttpResponse:
    """An application entered by hand at the counter (窓口), matched to the residents like any other."""
    post = request.POST
    year = _year(post.get("year", ""))
    try:
        birth = dt.date.fromisoformat(post.get("child_birth", ""))
        points = int(post.get("base_points", "0") or 0)
    except ValueError:
        birth = None
        points = 0
    number, name = post.get("receipt_number", "").strip(), post.get("child_name", "").strip()
    if year is None or birth is None or not number or not name:
        messages.error(request, "受付番号、児童の氏名、生年月日(YYYY-MM-DD)、入園年度を入力してください。")
        return redirect("admission:applications")
    try:
        app = applications.do_enter_application(request.user, admission_year=year, receipt_number=number, values={
            "child_name": name, "child_birth": birth, "base_points": points,
            "guardian1_name": post.get("guardian1_name", ""), "guardian2_name": post.get("guardian2_name", ""),
            "address": post.get("address", ""), "wishes": _codes(post.get("wishes", ""))}, request=request)
    except AdmissionError as exc:
        messages.error(request, str(exc))
        return redirect("admission:applications")
    messages.success(request, f"受付番号 {number} を登録しました({app.get_match_display()})。")
    return redirect("admission:application", pk=app.pk)


def _bars(values: list[int | None]) -> list[dict]:
    top = max([v for v in values if v] or [1])
    return [{"age": a, "value": v, "width": int(100 * (v or 0) / top)} for a, v in enumerate(values)]


@allow(*ROLES, **KODOMO)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(Round.objects.select_related("started_by", "approved_by", "previous"), pk=pk)
    figures = rounds.overview(rnd)
    return render(request, "admission/round_detail.html", {
        "round": rnd, "table": figures["table"], "counts": figures["counts"], "waiting_chart": _bars(figures["waiting"]),
        "cutoff_chart": _bars(figures["cutoffs"]), "is_supervisor": request.user.role == Role.CITY_SUPERVISOR,
        "what_if": request.session.pop(f"admission-what-if-{rnd.pk}", None),
        "table_rows": _table_rows(figures["table"]),
        "children": _child_links(rnd),
    })


def _table_rows(table: list[dict]) -> str:
    """The facility × age rows as HTML built here: thousands of rows, far faster than the template loop."""
    return mark_safe("".join(
        f"<tr><td>{escape(r['facility'].code)} {escape(r['facility'].name)}</td><td>{r['age']}歳</td><td>{r['capacity']}</td>"
        f"<td>{r['placed']}</td><td>{'—' if r['cutoff'] is None else r['cutoff']}</td><td>{r['waiting']}</td></tr>"
        for r in table))


def _child_links(rnd: Round) -> str:
    labels = dict(Result.Status.choices)
    rows = (rnd.results.order_by("application__receipt_number")
            .values_list("pk", "status", "application__receipt_number")[:CHILD_LINKS])
    return mark_safe("".join(
        f'<li><a href="{reverse("admission:child", args=[pk])}">{escape(number)}</a>: {labels[status]}</li>'
        for pk, status, number in rows))


@allow(*ROLES, **KODOMO)
@require_POST
def round_compute(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(Round, pk=pk)
    try:
        job = rounds.do_start_compute(rnd, request.user, request=request)
    except AdmissionError as exc:
        messages.error(request, str(exc))
        return redirect("admission:round", pk=pk)
    messages.info(request, "利用調整の計算を開始しました。")
    return redirect("jobs:detail", pk=job.pk)


@allow(Role.CITY_SUPERVISOR, **KODOMO)
@require_POST
def round_approve(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(Round, pk=pk)
    try:
        rounds.do_approve(rnd, request.user, request=request)
        messages.success(request, f"{rnd.label}を承認しました。通知と結果データを作成できます。")
    except AdmissionError as exc:
        messages.error(request, str(exc))
    return redirect("admission:round", pk=pk)


@allow(*ROLES, **KODOMO)
@require_POST
def round_what_if(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(Round, pk=pk)
    code = request.POST.get("facility", "").strip()
    try:
        age, seats = int(request.POST.get("age", "")), int(request.POST.get("capacity", ""))
        request.session[f"admission-what-if-{rnd.pk}"] = computing.do_what_if(rnd, code, age, seats, request.user,
                                                                               request=request)
    except ValueError:
        messages.error(request, "施設コード、年齢クラス(0〜5)、定員(0以上)を入力してください。")
    except AdmissionError as exc:
        messages.error(request, str(exc))
    return redirect("admission:round", pk=pk)


@allow(*ROLES, **KODOMO)
@require_POST
def round_second(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(Round, pk=pk)
    try:
        second = rounds.do_create_second_round(rnd, request.user, request=request)
    except AdmissionError as exc:
        messages.error(request, str(exc))
        return redirect("admission:round", pk=pk)
    messages.success(request, f"{second.label}を作成しました。計算を開始してください。")
    return redirect("admission:round", pk=second.pk)


def _download(request: HttpRequest, pk: int, make: Callable[[], bytes], content_type: str, filename: str) -> HttpResponse:
    """The file ``make`` builds as an attachment, or back to the round with the reason it could not."""
    try:
        data = make()
    except AdmissionError as exc:
        messages.error(request, str(exc))
        return redirect("admission:round", pk=pk)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@allow(*ROLES, **KODOMO)
@require_POST
def round_notices(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(Round, pk=pk)
    kind = request.POST.get("kind", "")
    results = notices.results_for_print(rnd, waiting={"waiting": True, "placed": False}.get(kind))
    return _download(request, pk, lambda: notices.do_print_notices(results, request.user, request=request),
                     "application/pdf", f"notices-{rnd.pk}-{kind or 'all'}.pdf")


@allow(*ROLES, **KODOMO)
@require_POST
def round_csv(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(Round, pk=pk)
    return _download(request, pk, lambda: notices.do_export_results(rnd, request.user, request=request),
                     "text/csv; charset=utf-8", f"admission-results-{rnd.pk}.csv")


@allow(*ROLES, **KODOMO)
def child(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(Result.objects.select_related("round", "application"), pk=pk)
    row = reveal(request, result.application, ("child_name",))
    names = dict(result.round.facilities.values_list("code", "name"))
    notes = [dict(n, name=names.get(n["facility"], n["facility"])) for n in result.explanation.get("wishes", [])]
    return render(request, "admission/child.html", {"result": result, "row": row, "notes": notes,
                                                    "facility": names.get(result.facility, result.facility)})


@allow(*ROLES, **KODOMO)
def child_notice(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(Result.objects.select_related("round", "application"), pk=pk)
    try:
        data = notices.do_print_notices([result], request.user, request=request)
    except AdmissionError as exc:
        messages.error(request, str(exc))
        return redirect("admission:child", pk=pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{result.pk}.pdf"'
    return response


@allow(*ROLES, **KODOMO)
@require_POST
def child_response(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(Result.objects.select_related("round"), pk=pk)
    try:
        notices.do_record_response(result, request.POST.get("response", ""), request.user, request=request)
        messages.success(request, "保護者の回答を記録しました。")
    except AdmissionError as exc:
        messages.error(request, str(exc))
    return redirect("admission:child", pk=pk)
