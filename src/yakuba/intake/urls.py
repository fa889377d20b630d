from django.urls import path

from yakuba.intake.views import applications, batches, fields, pages

app_name = "intake"
urlpatterns = [
    path("", applications.application_list, name="list"),
    path("<int:pk>/", applications.application_detail, name="detail"),
    path("<int:pk>/edit/", applications.application_edit, name="edit"),
    path("batches/", batches.batch_list, name="batches"),
    path("batches/new/", batches.batch_upload, name="batch_upload"),
    path("batches/<int:pk>/", batches.batch_detail, name="batch"),
    path("batches/<int:pk>/progress/", batches.batch_progress, name="batch_progress"),
    path("batches/<int:pk>/read/", batches.batch_read, name="batch_read"),
    path("batches/<int:pk>/export/", batches.batch_export, name="batch_export"),
    path("batches/<int:pk>/package/", batches.batch_package, name="batch_package"),
    path("batches/<int:pk>/receipt/", batches.batch_receipt, name="batch_receipt"),
    path("pages/<int:pk>/", pages.page_detail, name="page"),
    path("pages/<int:pk>/image.jpg", pages.page_image, name="page_image"),
    path("pages/<int:pk>/exclude/", pages.page_exclude, name="page_exclude"),
    path("pages/<int:pk>/confirm/", pages.page_confirm, name="page_confirm"),
    path("verify/", fields.queue_view, name="queue"),
    path("verify/<int:pk>/", fields.verify_view, name="verify"),
    path("verify/<int:pk>/page/", fields.field_page, name="field_page"),
    path("fields/<int:pk>/crop.png", fields.field_crop, name="field_crop"),
]
