from django.urls import path

from yakuba.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/new/", views.batch_upload, name="batch_upload"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<int:pk>/read/", views.batch_read, name="batch_read"),
    path("batches/<int:pk>/export/", views.batch_export, name="batch_export"),
    path("batches/<int:pk>/package/", views.batch_package, name="batch_package"),
    path("batches/<int:pk>/receipt/", views.batch_receipt, name="batch_receipt"),
    path("pages/<int:pk>/", views.page_detail, name="page"),
    path("pages/<int:pk>/image.jpg", views.page_image, name="page_image"),
    path("pages/<int:pk>/exclude/", views.page_exclude, name="page_exclude"),
    path("pages/<int:pk>/confirm/", views.page_confirm, name="page_confirm"),
    path("verify/", views.queue_view, name="queue"),
    path("verify/<int:pk>/", views.verify_view, name="verify"),
    path("verify/<int:pk>/page/", views.field_page, name="field_page"),
    path("fields/<int:pk>/crop.png", views.field_crop, name="field_crop"),
]
