from django.urls import path

from yakuba.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.export_list, name="list"),
    path("request/", views.request_export, name="request"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/download/", views.download, name="download"),
    path("routine/", views.routine_create, name="routine"),
    path("routine/<int:pk>/revoke/", views.routine_revoke, name="routine_revoke"),
]
