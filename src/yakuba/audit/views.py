from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.audit import budget
from yakuba.audit.jobs import INSPECTORS
from yakuba.audit.models import AuditEntry
from yakuba.jobs.models import Job
from yakuba.jobs.tasks import start
from yakuba.personal import declared_fields


PER_PAGE = 100
CSV_LIMIT = 200_000


def _filtered(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    """The entries the filters name (period, system, role, action), oldest first within a page's order."""
    import datetime as dt

    from django.utils import timezone

    chosen = {k: (request.GET.get(k) or "").strip()[:64] for k in ("since", "until", "system", "role", "action")}
    qs = AuditEntry.objects.order_by("-seq")
    for key, lookup in (("since", "at__gte"), ("until", "at__lt")):
        if chosen[key]:
            try:
                day = dt.date.fromisoformat(chosen[key])
            except ValueError:
                chosen[key] = ""
                continue
            if key == "until":
                day += dt.timedelta(days=1)
            qs = qs.filter(**{lookup: timezone.make_aware(dt.datetime.combine(day, dt.time()))})
    if chosen["system"]:
        qs = qs.filter(action__startswith=chosen["system"] + ".")
    if chosen["role"]:
        qs = qs.filter(actor_role=chosen["role"])
    if chosen["action"]:
        qs = qs.filter(action=chosen["action"])
    return qs, chosen


@allow(*INSPECTORS, menu=_("監査ログ"), section=_("点検"), order=10)
def entries(request: HttpRequest) -> HttpResponse:
    """Every entry, a page at a time, filtered by period, system, role and action; actions named in
    Japanese; ids and categories only, never personal values. ``?format=csv``: the filtered entries whole."""
    from django.core.paginator import Paginator

    from yakuba.audit.names import action_label, systems
    from yakuba.privacy.declarations import Category

    qs, chosen = _filtered(request)
    if request.GET.get("format") == "csv":
        if qs.count() > CSV_LIMIT:
            from django.contrib import messages

            messages.error(request, f"CSV に書き出せるのは {CSV_LIMIT:,} 件までです。期間などで絞り込んでください。")
        else:
            return _csv(qs, chosen)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    roles = dict(Role.choices)
    categories = {c.value: c.label for c in Category}
    rows = [{"e": e, "name": action_label(e.action), "role": roles.get(e.actor_role, e.actor_role),
             "categories": "、".join(categories.get(c, c) for c in e.categories)} for e in page.object_list]
    last_check = Job.objects.filter(kind="audit.verify", status=Job.Status.DONE).order_by("-finished_at").first()
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in chosen.items() if v})
    return render(request, "audit/entries.html", {
        "rows": rows, "page": page, "chosen": chosen, "query": query, "last_check": last_check,
        "systems": sorted(systems().items()), "roles": Role.choices,
        "actions": sorted(actions_named().items(), key=lambda kv: kv[0])})


def actions_named() -> dict[str, str]:
    from yakuba.audit.names import actions

    return dict(actions())


def _csv(qs: Any, chosen: dict[str, str]) -> HttpResponse:
    """The filtered entries as CSV for the council's minutes (UTF-8 with BOM): ids, names and categories."""
    import csv
    import io

    from yakuba.audit.names import action_label
    from yakuba.web import file_response

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["番号", "日時", "操作", "操作(名称)", "操作者ID", "役割", "組織", "対象の種類", "対象ID", "区分", "ハッシュ"])
    roles = dict(Role.choices)
    for e in qs.order_by("seq").iterator(chunk_size=2000):
        writer.writerow([e.seq, e.at.isoformat(), e.action, action_label(e.action), e.actor_id or "",
                         roles.get(e.actor_role, e.actor_role), e.organisation, e.target_type, e.target_id,
                         " ".join(e.categories), e.hash])
    suffix = "-".join(v for v in (chosen["since"], chosen["until"], chosen["system"]) if v) or "all"
    return file_response(("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8",
                         f"audit-{suffix}.csv")


@allow(*INSPECTORS)
@require_POST
def start_verify(request: HttpRequest) -> HttpResponse:
    job = start("audit.verify", user=request.user)
    return redirect("jobs:detail", pk=job.pk)


@allow(*INSPECTORS, menu=_("個人情報の項目一覧(宣言)"), section=_("点検"), order=20)
def fields(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/fields.html", {"fields": list(declared_fields())})


@allow(*budget.SUPERVISORS, menu=_("閲覧量の上限を超えた利用者"), section=_("点検"), order=30)
def read_notices(request: HttpRequest) -> HttpResponse:
    """The notices of the supervisor's organisation: who was stopped past the read budget, when."""
    notices = budget.notices_for(request.user)
    users = get_user_model().objects.in_bulk([n.actor_id for n in notices if n.actor_id])
    return render(request, "audit/read_notices.html", {
        "notices": [(n, users.get(n.actor_id)) for n in notices], "budgets": sorted(budget.budgets().items()),
    })


@allow(Role.COUNCIL_MEMBER, menu=_("閲覧の多い利用者"), section=_("点検"), order=40)
def readers(request: HttpRequest) -> HttpResponse:
    """Per user, records read in the last hour and day against their usual: counts only."""
    return render(request, "audit/readers.html", {
        "readers": budget.unusual_readers(), "far_above": budget.FAR_ABOVE, "days": budget.USUAL_DAYS,
    })
