from django.urls import path

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
]

from yakuba.consult.views import retain as retain_views  # noqa: E402

urlpatterns += [
    path("cases/<int:pk>/correct/", retain_views.case_correct, name="case_correct"),
    path("cases/<int:pk>/corrections/", retain_views.case_correction_new, name="case_correction_new"),
    path("corrections/", retain_views.corrections, name="corrections"),
    path("corrections/<int:pk>/", retain_views.correction, name="correction"),
    path("corrections/<int:pk>/start/", retain_views.correction_start, name="correction_start"),
    path("corrections/<int:pk>/answer/", retain_views.correction_answer, name="correction_answer"),
    path("corrections/overdue/", retain_views.corrections_overdue, name="corrections_overdue"),
    path("erasures/", retain_views.erasures, name="erasures"),
    path("erasures/<int:pk>/certificate/", retain_views.erasure_certificate, name="erasure_certificate"),
    path("disposals/", retain_views.disposals, name="disposals"),
    path("disposals/<int:pk>/certificate/", retain_views.disposal_certificate, name="disposal_certificate"),
]
