from django.urls import path

from yakuba.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
]
