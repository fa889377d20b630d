"""What the export screens accept in a POST (through ``yakuba.web.cleaned``); no value is echoed."""

from __future__ import annotations

from django import forms

REASON_LENGTH = 200


class RequestForm(forms.Form):
    """Ask for an export of one kind (an exporter's id), with an optional reason."""

    kind = forms.CharField(label="出力の種類", max_length=60, error_messages={
        "required": "出力の種類を指定してください。", "max_length": "出力の種類が正しくありません。"})
    reason = forms.CharField(label="出力の理由", required=False, max_length=REASON_LENGTH, error_messages={
        "max_length": f"{REASON_LENGTH}文字以内で入力してください。"})


class DecisionForm(forms.Form):
    """Approve or reject a pending bulk export."""

    decision = forms.ChoiceField(label="判断", choices=[("approve", "承認する"), ("reject", "却下する")],
                                 error_messages={"required": "承認するか却下するかを選んでください。",
                                                 "invalid_choice": "承認するか却下するかを選んでください。"})


class ReasonForm(forms.Form):
    """The reason given with a file asked for from another screen (a round, the debit notices)."""

    reason = forms.CharField(label="出力の理由", required=False, max_length=REASON_LENGTH, error_messages={
        "max_length": f"{REASON_LENGTH}文字以内で入力してください。"})


class RoutineForm(forms.Form):
    """Pre-approve a routine kind of export for a period."""

    kind = forms.CharField(label="出力の種類", max_length=60, error_messages={
        "required": "出力の種類を指定してください。", "max_length": "出力の種類が正しくありません。"})
    valid_from = forms.DateField(label="開始日", error_messages={
        "required": "開始日を入力してください。", "invalid": "開始日は YYYY-MM-DD で入力してください。"})
    valid_until = forms.DateField(label="終了日", error_messages={
        "required": "終了日を入力してください。", "invalid": "終了日は YYYY-MM-DD で入力してください。"})
    reason = forms.CharField(label="理由", required=False, max_length=REASON_LENGTH, error_messages={
        "max_length": f"{REASON_LENGTH}文字以内で入力してください。"})
