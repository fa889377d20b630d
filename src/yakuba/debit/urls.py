from django.urls import include, path

from yakuba.debit import views

app_name = "debit"

run_steps = [  # runs/<pk>/…: one run and what is done to it
    path("", views.run_detail, name="run"),
    path("send/", views.run_send, name="run_send"),
    path("receive/", views.run_receive, name="run_receive"),
    path("retry/", views.run_retry, name="run_retry"),
    path("pain008/", views.run_pain008, name="run_pain008"),
]

urlpatterns = [
    path("", views.run_list, name="runs"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", include(run_steps)),
    path("customers/", views.customer_list, name="customers"),
    path("customers/<int:pk>/", views.customer_detail, name="customer"),
    path("bills/<int:pk>/paid/", views.bill_paid, name="bill_paid"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("notices/print/", views.notices_print, name="notices_print"),
    path("new-forms/", views.new_form_list, name="new_forms"),
    path("new-forms/<int:pk>/sent/", views.new_form_done, name="new_form_done"),
]
