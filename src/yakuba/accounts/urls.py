from django.urls import path

from yakuba.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/code/", views.factor, name="factor"),
    path("logout/", views.logout, name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/grants/", views.grants, name="grants"),
    path("accounts/grants/<int:pk>/", views.grant_decide, name="grant_decide"),
    path("accounts/devices/", views.devices, name="devices"),
]
