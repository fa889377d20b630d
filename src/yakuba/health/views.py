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

from yakuba.accounts.access import allow, public
from yakuba.accounts.roles import Role
from yakuba.audit.reveal import reveal_rows
from yakuba.shown import labelled
from yakuba.health import actions
from yakuba.health.errors import HealthError
from yakuba.health.forms import AskForm, CheckupForm, ChildForm, FamilyCodeForm, ImportForm
from yakuba.health.received import received_items
from yakuba.health.growth import LABELS, MEASURES, UNITS, reference
from yakuba.health.importer import ImportRefused
from yakuba.health.interview import questions
from yakuba.health.models import Checkup, Child
from yakuba.linkage.checkup import BodySystem, CheckupKind, FindingStatus, Sex
from yakuba.errors import YakubaError
from yakuba.linkage.allowlist import load_allowlist
from yakuba.wareki import to_wareki
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

    linked = configured()
    ask_form, ask_error = None, None
    if linked:
        try:
            ask_form = AskForm(institutions=_institutions())
        except YakubaError as exc:
            ask_error = exc.one_line()
    received = list(c.received.order_by("kind", "-received_at"))
    received_error = None
    if received:
        try:  # what another city provided is shown only once its read is in the hub's log
            _report_reads(c, received)
        except YakubaError as exc:
            received, received_error = [], exc.one_line()
    received_rows = reveal_rows(request, received, ("items",), action="health.read") if received else []
    return render(request, "health/child.html", {
        "child": c, "child_rows": labelled(Child, CHILD_FIELDS, child_row), "checkups": shown,
        "missing": [k for k in CheckupKind if k.value not in done], "chart": chart,
        "linkage_configured": linked, "ask_form": ask_form, "ask_error": ask_error, "received_error": received_error,
        "received": [(r, received_items(row.get("items"))) for r, row in zip(received, received_rows)],
        # the status only (when, which hash, the last failure): never the 符号 or the view key on this page
        "linkage": LinkageRecord.objects.filter(child=c).only("registered_at", "fukuhon_sha256", "last_error").first(),
    })


def _report_reads(child_: Child, received: list[Any]) -> None:
    """Log at the hub, once per 事務, that staff are reading what the former city provided (the family sees
    each read on their page). A `YakubaError` when it cannot be logged: then nothing is shown."""
    from yakuba.health.linkage import connected
    from yakuba.health.models import LinkageRecord

    link = LinkageRecord.objects.filter(child=child_).first()
    if link is None:
        raise HealthError("この子はハブに登録されていません (not enrolled at the hub)")
    by_jimu: dict[str, set[str]] = {}
    for r in received:
        by_jimu.setdefault(r.jimu, set()).update(r.items)
    with connected() as connection:
        for jimu, items in sorted(by_jimu.items()):
            connection.read(link.fugo, jimu, sorted(items))


def _institutions() -> list[dict]:
    from yakuba.health.linkage import connected

    with connected() as link:
        return link.institutions()


def _back_to_child(request: HttpRequest, pk: int, **_: Any) -> str:
    from django.urls import reverse

    return reverse("health:child", kwargs={"pk": pk})


@allow(*HEALTH)
@require_POST
@user_errors(_back_to_child)
def child_ask(request: HttpRequest, pk: int) -> HttpResponse:
    """情報照会 to the former city for one checkup (母子保健法第19条の2)."""
    from yakuba.health.linkage import connected

    c = get_object_or_404(Child, pk=pk)
    with connected() as link:
        form = AskForm(request.POST, institutions=link.institutions())
        if not form.is_valid():
            raise HealthError("照会先と健診を選んでください (choose the provider and the checkup)",
                              where=",".join(form.errors))
        kind = CheckupKind(form.cleaned_data["kind"])
        got = actions.do_ask(c, provider=form.cleaned_data["provider"], kind=kind, transport=link,
                             actor=request.user, request=request)
    messages.success(request, f"{got.provider_name}から{kind.label}の記録を受け取りました({len(got.items)}項目)。")
    return redirect("health:child", pk=c.pk)


@allow(*HEALTH)
@require_POST
@user_errors(_back_to_child)
def family_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter for the family: a new one-time code for their page, and the view key of the log."""
    from yakuba.health.family import CODE_DAYS, issue_code
    from yakuba.health.linkage import connected
    from yakuba.health.models import LinkageRecord

    c = get_object_or_404(Child, pk=pk)
    with connected() as link:
        record_ = actions.ensure_enrolled(c, link, actor=request.user)
    code, row = issue_code(c, actor=request.user, request=request)
    row_shown = reveal_rows(request, [c], ("name", "birth_date"), action="health.family.letter")[0]
    key_shown = reveal_rows(request, [LinkageRecord.objects.get(pk=record_.pk)], ("view_key",),
                            action="health.family.letter")[0]
    return render(request, "health/family_letter.html", {
        "child": c, "name": row_shown.get("name"), "birth_date": row_shown.get("birth_date"), "code": code,
        "expires_at": row.expires_at, "days": CODE_DAYS, "view_key": key_shown.get("view_key"),
        "family_url": request.build_absolute_uri("/family/"),
        "log_url": request.build_absolute_uri("/linkage/log/")})


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



# --- the family's page (public: opened by the one-time code on the family's letter) -------------------------

@public
def family_start(request: HttpRequest) -> HttpResponse:
    """The code from the letter opens the family's page once, for SESSION_MINUTES."""
    import time

    from yakuba.health.family import SESSION_KEY, SESSION_MINUTES, redeem

    form = FamilyCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        child_ = redeem(form.cleaned_data["code"], request=request)
        if child_ is None:
            form.add_error("code", "このコードは使えません。お知らせのコードを確かめてください。使用済みか期限切れの場合は"
                           "健康増進センターにお問い合わせください。")
        else:
            request.session.cycle_key()
            request.session[SESSION_KEY] = {"child": child_.pk, "until": int(time.time()) + SESSION_MINUTES * 60}
            return redirect("family:records")
    return render(request, "health/family_start.html", {"form": form})


@public
def family_records(request: HttpRequest) -> HttpResponse:
    """The family's page: the exchanges of the provision log with their proofs, and the child's records."""
    import time

    from yakuba.audit.log import record
    from yakuba.health.family import SESSION_KEY, read_family_log
    from yakuba.health.linkage import transport
    from yakuba.health.models import LinkageRecord
    from yakuba.linkage.errors import LinkageError
    from yakuba.privacy.declarations import Category

    opened = request.session.get(SESSION_KEY)
    if not isinstance(opened, dict) or int(opened.get("until", 0)) < time.time():
        request.session.pop(SESSION_KEY, None)
        messages.error(request, "確認コードを入力してください(画面を開いてから30分で閉じます)。")
        return redirect("family:start")
    c = get_object_or_404(Child, pk=opened.get("child"))
    link = LinkageRecord.objects.filter(child=c).first()
    log, log_error, names = None, None, {}
    connection = transport()
    if connection is not None and link is not None:
        try:
            names = {i["id"]: i.get("name") or i["id"] for i in connection.institutions()}
            log = read_family_log(connection, link.view_key)
        except (LinkageError, YakubaError) as exc:
            log_error = exc.one_line()
        finally:
            connection.close()
    from yakuba.cityprofile.load import current

    profile = current()
    if profile.linkage is not None:
        names.setdefault(profile.linkage.institution, profile.city.name)
    checkups = list(c.checkups.order_by("checkup_date", "pk"))
    received = list(c.received.order_by("kind", "-received_at"))
    record("health.family.read", request=request, target=c,
           categories=[Category.NAME, Category.BIRTH_DATE] + ([Category.HEALTH] if checkups or received else []),
           detail={"checkups": [k.pk for k in checkups], "received": [r.pk for r in received],
                   "log_entries": [e.index for e in log.entries] if log else []})
    allowlist = load_allowlist()
    jimu_labels = {r.jimu_code: r.jimu for r in allowlist.rows}
    return render(request, "health/family_records.html", {
        "child": c, "checkups": [(k, _family_checkup(k)) for k in checkups],
        "received": [(r, received_items(r.items)) for r in received], "log": log, "log_error": log_error,
        "entries": [{"e": e, "requester": names.get(str(e.get("requester")), e.get("requester")),
                     "provider": names.get(str(e.get("provider")), e.get("provider")),
                     "jimu": jimu_labels.get(str(e.get("jimu")), e.get("jimu")),
                     "items": "、".join(allowlist.label(i) for i in e.get("items") or ())} for e in (log.entries if log else [])],
        "view_key": link.view_key if link else None,
        "log_url": request.build_absolute_uri("/linkage/log/")})


def _family_checkup(k: Checkup) -> list[tuple[str, str]]:
    """What the family reads of their own checkup: the measurements and the 判定 (the 問診 stays with staff)."""
    out = [("健診受診日", to_wareki(k.checkup_date)), ("受診時月齢", f"{k.age_in_months}か月")]
    for name in ("height_cm", "weight_kg", "chest_cm", "head_cm"):
        value = getattr(k, name)
        if value is not None:
            out.append((LABELS[name], f"{value}{UNITS[name]}"))
    if k.judgement:
        out.append(("判定", k.get_judgement_display()))
    return out


@public
def public_log(request: HttpRequest, rel: str) -> HttpResponse:
    """A file of the hub's log (tlog-tiles layout), read from the hub; 404 for any other path."""
    from django.http import Http404

    from yakuba.health.linkage import transport
    from yakuba.linkage.errors import LinkageError
    from yakuba.linkage.tlog import parse_tile_path

    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    if rel != "checkpoint":
        try:
            tile = parse_tile_path(rel)
        except LinkageError:
            raise Http404("no such file of the log") from None
    connection = transport()
    if connection is None:
        raise Http404("no linkage in this city's profile")
    try:
        data = connection.log_file(rel)
    except YakubaError as exc:
        return HttpResponse(exc.one_line(), status=502, content_type="text/plain; charset=utf-8")
    finally:
        connection.close()
    if data is None:
        raise Http404("no such file of the log (yet)")
    if rel == "checkpoint":
        response = HttpResponse(data, content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "no-store"
    else:
        response = HttpResponse(data, content_type="application/octet-stream")
        # a full tile never changes; a partial one is replaced by a wider one
        response["Cache-Control"] = "public, max-age=31536000, immutable" if tile.width == 256 else "no-store"
    response["Access-Control-Allow-Origin"] = "*"
    return response
