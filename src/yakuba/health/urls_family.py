"""The family's page: open to the public, opened by the one-time code on the family's letter."""

from django.urls import path

from yakuba.health import views

urlpatterns = [
    path("", views.family_start, name="start"),
    path("records/", views.family_records, name="records"),
]
