"""Screens of the 健康増進センター: children, checkup entry (keyboard-first, checked), CSV import, a
child's page with growth charts. Only the role `health_staff` is admitted; every value shown goes
through `yakuba.audit.reveal` (masked by role, audited with its categories: 健康, 要配慮)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.audit.reveal import reveal_rows
from yakuba.shown import labelled
from yakuba.health import actions
from yakuba.health.errors import HealthError
from yakuba.health.forms import CheckupForm, ChildForm, ImportForm
from yakuba.health.growth import LABELS, MEASURES, UNITS, reference
from yakuba.health.importer import ImportRefused
from yakuba.health.interview import questions
from yakuba.health.models import Checkup, Child
from yakuba.linkage.checkup import BodySystem, CheckupKind, FindingStatus, Sex
from yakuba.web import user_errors

HEALTH = (Role.HEALTH_STAFF,)
SECTION = _("健康情報システム")
CHILD_FIELDS = ("resident_key", "name", "name_kana", "birth_date", "sex", "birth_weight_g", "birth_length_cm",
                "birth_head_cm", "birth_chest_cm", "gestational_weeks")
LIST_FIELDS = ("resident_key", "name", "name_kana", "birth_date", "sex")
CHECKUP_FIELDS = ("checkup_date", "age_in_months", "height_cm", "weight_kg", "chest_cm", "head_cm", "judgement",
                  "detailed_exam_date", "urine_protein", "urine_blood", "nutrition", "caries_teeth", "dental_note",
                  "eyes", "ears", "findings", "interview")
PER_PAGE = 50


@allow(*HEALTH, menu=_("乳幼児の一覧"), section=SECTION, order=300)
def children(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:60]
    qs = Child.objects.all()
    if q:
        qs = qs.filter(resident_key=q) if q.isdigit() else qs.filter(name_kana__startswith=q)
    page = Paginator(qs.order_by("-birth_date", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    rows = reveal_rows(request, page.object_list, LIST_FIELDS, action="health.list")
    shown = [(row["pk"], labelled(Child, LIST_FIELDS, row)) for row in rows]
    return render(request, "health/children.html", {"rows": shown, "page": page, "q": q,
                                                    "labels": [str(Child._meta.get_field(f).verbose_name)
                                                               for f in LIST_FIELDS]})


@allow(*HEALTH, menu=_("乳幼児の登録"), section=SECTION, order=310)
def child_new(request: HttpRequest) -> HttpResponse:
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = actions.do_add_child(request.user, request=request, **form.cleaned_data)
        except HealthError as exc:
            form.add_error(exc.where if exc.where in form.fields else None, exc.message)
        else:
            messages.success(request, "乳幼児を登録しました。")
            return redirect("health:child", pk=child.pk)
    return render(request, "health/child_new.html", {"form": form})


def _display(checkup: Checkup, row: dict[str, Any]) -> dict[str, Any]:
    """The revealed values of a checkup, turned into what the page shows (labels, not codes)."""
    out = dict(row)
    if out.get("judgement"):
        out["judgement"] = checkup.get_judgement_display()
    findings = out.get("findings")
    if isinstance(findings, list):
        out["findings"] = "、".join(f"{BodySystem(f['system']).label}: {FindingStatus(f['status']).label}"
                                   + (f"({f['note']})" if f.get("note") else "") for f in findings) or "所見なし"
    interview = out.get("interview")
    if isinstance(interview, dict):
        text = {q.code: q.text for q in questions()}
        out["interview"] = "\n".join(f"{text.get(k, k)}: {v}" for k, v in sorted(interview.items()))
    return out


@allow(*HEALTH)
def child(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(Child, pk=pk)
    child_row = reveal_rows(request, [c], CHILD_FIELDS, action="health.read")[0]
    checkups = list(c.checkups.order_by("checkup_date", "pk"))
    rows = reveal_rows(request, checkups, CHECKUP_FIELDS, action="health.read")
    shown = [(k, labelled(Checkup, [f for f in CHECKUP_FIELDS if f in r], _display(k, r)))
             for k, r in zip(checkups, rows)]
    done = {k.kind for k in checkups}
    chart = None
    if child_row.get("sex") in (Sex.MALE.value, Sex.FEMALE.value):
        sex, ref = Sex(child_row["sex"]), reference()
        chart = {"source": ref.source, "measures": [
            {"measure": m, "label": LABELS[m], "unit": UNITS[m], "curves": ref.curves(m, sex),
             "points": [[r["age_in_months"], float(r[m])] for r in rows
                        if r.get(m) is not None and not isinstance(r.get(m), str)]}  # a str is the mask
            for m in MEASURES[:2]]}
    from yakuba.health.linkage import configured
    from yakuba.health.models import LinkageRecord

    return render(request, "health/child.html", {
        "child": c, "child_rows": labelled(Child, CHILD_FIELDS, child_row), "checkups": shown,
        "missing": [k for k in CheckupKind if k.value not in done], "chart": chart,
        "linkage_configured": configured(),
        # the status only (when, which hash, the last failure): never the 符号 or the view key on this page
        "linkage": LinkageRecord.objects.filter(child=c).only("registered_at", "fukuhon_sha256", "last_error").first(),
    })


@allow(*HEALTH)
def checkup_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    c = get_object_or_404(Child, pk=pk)
    try:
        k = CheckupKind(kind)
    except ValueError:
        messages.error(request, "健診の種類が正しくありません。")
        return redirect("health:child", pk=c.pk)
    # on a POST, the warnings shown with the last attempt are the choices the staff may have ticked
    warnings = [(w, w) for w in request.POST.getlist("confirm")]
    form = CheckupForm(request.POST or None, kind=k, warnings=warnings)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_record_checkup(c, request.user, kind=k, checkup_date=form.cleaned_data["checkup_date"],
                                          values=form.values(), findings=form.findings(), interview=form.interview(),
                                          confirmed=form.cleaned_data.get("confirm") or [], request=request)
            except actions.NeedsConfirmation as exc:
                form = CheckupForm(request.POST, kind=k, warnings=[(i.key, i.message) for i in exc.issues])
                form.is_valid()
                form.needs_confirmation = exc.issues  # type: ignore[attr-defined]
            except HealthError as exc:
                fields = [name for name in (exc.where or "").split(",") if name in form.fields]
                for name in fields or [None]:
                    form.add_error(name, exc.message)
            else:
                messages.success(request, f"{k.label}の結果を記録しました。")
                return redirect("health:child", pk=c.pk)
    return render(request, "health/checkup_new.html", {"child": c, "kind": k, "form": form,
                                                        "confirming": getattr(form, "needs_confirmation", None)})


def _child_url(request: HttpRequest, pk: int, **_: Any) -> str:
    from django.urls import reverse

    checkup = Checkup.objects.filter(pk=pk).first()
    return reverse("health:child", kwargs={"pk": checkup.child_id}) if checkup else reverse("health:children")


@allow(*HEALTH)
@require_POST
@user_errors(_child_url)
def checkup_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    checkup = get_object_or_404(Checkup, pk=pk)
    actions.do_confirm_warnings(checkup, request.user, request=request)
    messages.success(request, "取り込んだ記録の警告を確認済みにしました。")
    return redirect("health:child", pk=checkup.child_id)


@allow(*HEALTH, menu=_("健診結果のCSV取込"), section=SECTION, order=320)
def import_csv(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            problems = [f"ファイルが大きすぎます ({upload.size:,} バイト)"]
        else:
            try:
                result = actions.do_import(upload.read(), request.user, request=request)
            except ImportRefused as exc:
                problems = exc.problems + ([f"ほか {exc.total - len(exc.problems)} 件"]
                                           if exc.total > len(exc.problems) else [])
            except HealthError as exc:
                problems = [exc.message]
    return render(request, "health/import.html", {"form": form, "result": result, "problems": problems})

