from django.urls import path

from yakuba.admission.views import applications, deliveries, results, rounds

app_name = "admission"
urlpatterns = [
    path("", rounds.round_list, name="rounds"),
    path("import/", deliveries.package_import, name="import"),
    path("deliveries/<int:pk>/receipt/", deliveries.delivery_receipt, name="receipt"),
    path("income/", deliveries.income_import, name="income"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/compute/", rounds.round_compute, name="round_compute"),
    path("rounds/<int:pk>/approve/", rounds.round_approve, name="round_approve"),
    path("rounds/<int:pk>/what-if/", rounds.round_what_if, name="round_what_if"),
    path("rounds/<int:pk>/second/", rounds.round_second, name="round_second"),
    path("rounds/<int:pk>/notices/", rounds.round_notices, name="round_notices"),
    path("rounds/<int:pk>/results.csv", rounds.round_csv, name="round_csv"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/new/", applications.application_create, name="application_create"),
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path("applications/<int:pk>/match/", applications.application_match, name="application_match"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path("results/<int:pk>/", results.child, name="child"),
    path("results/<int:pk>/notice/", results.child_notice, name="child_notice"),
    path("results/<int:pk>/response/", results.child_response, name="child_response"),
]
