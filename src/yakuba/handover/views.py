from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.handover.models import PackageRecord

READERS = (Role.COUNCIL_MEMBER, Role.CITY_SUPERVISOR, Role.ADMIN, Role.VENDOR_RESPONSIBLE, Role.CITY_STAFF)


@allow(*READERS, menu=_("受け渡しパッケージの記録"), section=_("点検"), order=40)
def package_list(request: HttpRequest) -> HttpResponse:
    """Packages sent and accepted, and refusals (tampered, wrong recipient, replayed)."""
    return render(request, "handover/list.html", {
        "records": PackageRecord.objects.all()[:200],
        "refusals": AuditEntry.objects.filter(action="package.refused").order_by("-seq")[:50],
    })
