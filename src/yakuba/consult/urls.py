from django.urls import path

from yakuba.consult.views import attachments as attachments_views
from yakuba.consult.views import cases as views
from yakuba.consult.views import sharing as sharing_views
from yakuba.consult.views import terminals as terminals_views

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
    path("cases/<int:pk>/consents/", sharing_views.consent_add, name="consent_add"),
    path("consents/<int:pk>/revoke/", sharing_views.consent_revoke, name="consent_revoke"),
    path("cases/<int:pk>/share/", sharing_views.share, name="share"),
    path("cases/<int:pk>/received/", sharing_views.received_add, name="received_add"),
    path("disclosures/<int:pk>/revoke/", sharing_views.disclosure_revoke, name="disclosure_revoke"),
    path("cases/<int:pk>/meetings/", sharing_views.meeting_add, name="meeting_add"),
    path("meetings/<int:pk>/", sharing_views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/members/", sharing_views.meeting_member, name="meeting_member"),
    path("meetings/<int:pk>/minutes/", sharing_views.meeting_minutes, name="meeting_minutes"),
    path("cases/<int:pk>/requests/", sharing_views.request_add, name="request_add"),
    path("requests/<int:pk>/answer/", sharing_views.request_answer, name="request_answer"),
    path("shared/", sharing_views.shared_list, name="shared"),
    path("shared/<int:pk>/", sharing_views.shared_view, name="shared_view"),
    path("terminals/", terminals_views.terminals, name="terminals"),
    path("terminals/<int:pk>/revoke/", terminals_views.terminal_revoke, name="terminal_revoke"),
    path("terminal/register/", terminals_views.terminal_register, name="terminal_register"),
    path("cases/<int:pk>/break-glass/", terminals_views.break_glass, name="break_glass"),
    path("break-glass/<int:pk>/", terminals_views.break_glass_view, name="break_glass_view"),
    path("break-glass/review/", terminals_views.break_glass_review, name="break_glass_review"),
    path("break-glass/<int:pk>/confirm/", terminals_views.break_glass_confirm, name="break_glass_confirm"),
    path("break-glass/<int:pk>/incident/", terminals_views.break_glass_incident, name="break_glass_incident"),
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
    path("cases/<int:pk>/attachments/", attachments_views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", attachments_views.attachment_view, name="attachment"),
    path("attachments/<int:pk>/content/", attachments_views.attachment_content, name="attachment_content"),
    path("attachments/<int:pk>/download/", attachments_views.attachment_download, name="attachment_download"),
]
