from django.urls import path

from yakuba.handover import views

app_name = "handover"
urlpatterns = [path("", views.package_list, name="list")]
