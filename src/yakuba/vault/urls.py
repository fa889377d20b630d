from django.urls import path

from yakuba.vault import views

app_name = "vault"
urlpatterns = [
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/<uuid:id>/", views.certificate, name="certificate"),
]
