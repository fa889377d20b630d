from django.urls import path

from yakuba.consult.views import attachments as attachments_views
from yakuba.consult.views import cases as views

app_name = "consult"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/", views.case_list, name="cases"),
    path("intake/", views.intake_new, name="intake"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/assessment/", views.case_assess, name="case_assess"),
    path("cases/<int:pk>/plan/", views.case_plan, name="case_plan"),
    path("cases/<int:pk>/records/", views.case_record, name="case_record"),
    path("cases/<int:pk>/members/", views.case_member, name="case_member"),
    path("cases/<int:pk>/workers/", views.case_worker, name="case_worker"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("plans/<int:pk>/goals/", views.goal_add, name="goal_add"),
    path("goals/<int:pk>/tasks/", views.task_add, name="task_add"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("statistics/", views.statistics, name="statistics"),
    path("cases/<int:pk>/attachments/", attachments_views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", attachments_views.attachment_view, name="attachment"),
    path("attachments/<int:pk>/content/", attachments_views.attachment_content, name="attachment_content"),
    path("attachments/<int:pk>/download/", attachments_views.attachment_download, name="attachment_download"),
]
