from __future__ import annotations

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


@allow(*INSPECTORS, menu=_("監査ログ"), section=_("点検"), order=10)
def entries(request: HttpRequest) -> HttpResponse:
    """The latest entries: ids, actions and categories only; never personal values."""
    action = request.GET.get("action", "")
    qs = AuditEntry.objects.order_by("-seq")
    if action:
        qs = qs.filter(action=action)
    last_check = Job.objects.filter(kind="audit.verify", status=Job.Status.DONE).order_by("-finished_at").first()
    return render(request, "audit/entries.html", {"entries": qs[:200], "action": action, "last_check": last_check})


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
