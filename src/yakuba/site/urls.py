from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from yakuba.accounts.access import Rule, public, restrict
from yakuba.accounts.roles import Role

admin.site.site_header = "yakuba 管理"
admin.site.site_title = "yakuba 管理"

urlpatterns = [
    path("", include("yakuba.accounts.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("audit/", include("yakuba.audit.urls")),
    path("files/", include("yakuba.vault.urls")),
    path("exports/", include("yakuba.exports.urls")),
    path("handover/", include("yakuba.handover.urls")),
    path("jobs/", include("yakuba.jobs.urls")),
    path("intake/", include("yakuba.intake.urls")),
    path("debit/", include("yakuba.debit.urls")),
    path("admission/", include("yakuba.admission.urls")),
    path("consult/", include("yakuba.consult.urls")),
    path("health/", include("yakuba.health.urls")),
    path("council/", include("yakuba.council.urls")),
    path("family/", include(("yakuba.health.urls_family", "family"))),
    path("linkage/log/", include(("yakuba.health.urls_log", "linkage_log"))),
    path("admin/", restrict(admin.site.urls, Rule(roles=frozenset({Role.ADMIN.value})))),
]
