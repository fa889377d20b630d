from django.urls import path

from yakuba.admission import views

app_name = "admission"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("import/", views.package_import, name="import"),
    path("deliveries/<int:pk>/receipt/", views.delivery_receipt, name="receipt"),
    path("income/", views.income_import, name="income"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/compute/", views.round_compute, name="round_compute"),
    path("rounds/<int:pk>/approve/", views.round_approve, name="round_approve"),
    path("rounds/<int:pk>/what-if/", views.round_what_if, name="round_what_if"),
    path("rounds/<int:pk>/second/", views.round_second, name="round_second"),
    path("rounds/<int:pk>/notices/", views.round_notices, name="round_notices"),
    path("rounds/<int:pk>/results.csv", views.round_csv, name="round_csv"),
    path("applications/", views.application_list, name="applications"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/match/", views.application_match, name="application_match"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("results/<int:pk>/", views.child, name="child"),
    path("results/<int:pk>/notice/", views.child_notice, name="child_notice"),
    path("results/<int:pk>/response/", views.child_response, name="child_response"),
]
