from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.access import allow
from yakuba.accounts.roles import ALL_ROLES
from yakuba.jobs.models import Job


def _visible(request: HttpRequest) -> "object":
    return Job.objects.filter(created_by=request.user)


@allow(*ALL_ROLES, menu=_("バックグラウンド処理の状況"), section=_("共通"), order=900)
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/list.html", {"jobs": _visible(request)[:50]})


@allow(*ALL_ROLES)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(_visible(request), pk=pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/detail.html"
    return render(request, template, {"job": job})
