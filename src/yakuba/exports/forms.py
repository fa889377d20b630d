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
