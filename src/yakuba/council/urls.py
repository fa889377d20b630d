from django.urls import path

from yakuba.council import views

app_name = "council"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
