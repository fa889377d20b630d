from django.urls import path

from yakuba.health import views

app_name = "health"
urlpatterns = [
    path("", views.children, name="children"),
    path("children/new/", views.child_new, name="child_new"),
    path("children/<int:pk>/", views.child, name="child"),
    path("children/<int:pk>/checkups/<str:kind>/", views.checkup_new, name="checkup_new"),
    path("checkups/<int:pk>/confirm/", views.checkup_confirm, name="checkup_confirm"),
    path("import/", views.import_csv, name="import"),
    path("children/<int:pk>/ask/", views.child_ask, name="child_ask"),
    path("children/<int:pk>/family-letter/", views.family_letter, name="family_letter"),
]

