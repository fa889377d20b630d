"""What the consult screens accept in a POST (through ``yakuba.web.cleaned``)."""

from __future__ import annotations

from django import forms

from yakuba.consult.models import Case, ConsultationRecord, Domain, Intake
from yakuba.debit.forms import IsoDateField


class IntakeForm(forms.Form):
    """相談受付: the person (宛名番号 only where known), the domains, the route, the worry."""

    name = forms.CharField(label="氏名", max_length=60)
    name_kana = forms.CharField(label="氏名(カナ)", max_length=60, required=False)
    birth_date = IsoDateField(label="生年月日", required=False)
    address = forms.CharField(label="住所", max_length=200, required=False)
    phone = forms.CharField(label="連絡先", max_length=40, required=False)
    resident_key = forms.RegexField(label="宛名番号", regex=r"^\d{1,20}$", required=False,
                                    error_messages={"invalid": "数字で入力してください。"})
    domains = forms.MultipleChoiceField(label="分野", choices=Domain.choices, widget=forms.CheckboxSelectMultiple)
    route = forms.ChoiceField(label="経路", choices=Intake.Route.choices)
    urgency = forms.ChoiceField(label="緊急度", choices=Intake.Urgency.choices, initial=Intake.Urgency.NORMAL)
    worry = forms.CharField(label="相談の内容(本人の言葉で)", widget=forms.Textarea, max_length=4000)
    track = forms.ChoiceField(label="受付の区分", choices=Case.Track.choices, initial=Case.Track.CONSENT, required=False)


class MemberForm(forms.Form):
    """Another person of the household added to the case."""

    name = forms.CharField(label="氏名", max_length=60)
    name_kana = forms.CharField(label="氏名(カナ)", max_length=60, required=False)
    birth_date = IsoDateField(label="生年月日", required=False)


class AssessmentForm(forms.Form):
    situation = forms.CharField(label="生活の状況", widget=forms.Textarea, max_length=4000)
    health_details = forms.CharField(label="心身の状況・障がい", widget=forms.Textarea, max_length=4000, required=False)
    risks = forms.CharField(label="リスク", widget=forms.Textarea, max_length=4000, required=False)


class PlanForm(forms.Form):
    summary = forms.CharField(label="方針", widget=forms.Textarea, max_length=4000)
    goal = forms.CharField(label="目標", widget=forms.Textarea, max_length=2000)


class GoalForm(forms.Form):
    text = forms.CharField(label="目標", widget=forms.Textarea, max_length=2000)


class TaskForm(forms.Form):
    """A task: its owner is one of the case's workers (choices given by the view)."""

    text = forms.CharField(label="内容", max_length=1000)
    owner = forms.TypedChoiceField(label="担当者", coerce=int, choices=())
    due_on = IsoDateField(label="期限")

    def __init__(self, *args, owners=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(u.pk, u.username) for u in owners]


class RecordForm(forms.Form):
    method = forms.ChoiceField(label="方法", choices=ConsultationRecord.Method.choices)
    said = forms.CharField(label="相談の内容", widget=forms.Textarea, max_length=8000)
    next_step = forms.CharField(label="次の対応", widget=forms.Textarea, max_length=2000, required=False)
    follow_up_on = IsoDateField(label="次回の確認日", required=False)


class WorkerForm(forms.Form):
    """Assign a worker of the centre (choices given by the view)."""

    worker = forms.TypedChoiceField(label="相談支援員", coerce=int, choices=())

    def __init__(self, *args, workers=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [(u.pk, u.username) for u in workers]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label="終結の理由", choices=Case.CloseReason.choices)
    note = forms.CharField(label="終結の記録", widget=forms.Textarea, max_length=4000, required=False)
