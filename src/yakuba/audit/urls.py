from django.urls import path

from yakuba.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.entries, name="entries"),
    path("verify/", views.start_verify, name="verify"),
    path("fields/", views.fields, name="fields"),
    path("read-notices/", views.read_notices, name="read_notices"),
    path("readers/", views.readers, name="readers"),
]
