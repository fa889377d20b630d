from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow
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
