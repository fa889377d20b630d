from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    """The second factor's code: six digits from the authenticator app."""

    code = forms.RegexField(label="確認コード", regex=r"^\s*\d{6}\s*$", error_messages={
        "required": "確認コードを入力してください。", "invalid": "確認コードは6桁の数字です。"})
    next = forms.CharField(required=False, max_length=2000)


class DecisionForm(forms.Form):
    """Approve or refuse a pending role grant."""

    decision = forms.ChoiceField(label="決定", choices=[("approve", "承認"), ("refuse", "却下")], error_messages={
        "required": "承認か却下を選んでください。", "invalid_choice": "承認か却下を選んでください。"})


class EnrollForm(forms.Form):
    """Issue a new TOTP device (secret) for a user; the previous ones stop working."""

    user = forms.IntegerField(label="利用者", min_value=1, error_messages={
        "required": "利用者を選んでください。", "invalid": "利用者を選んでください。"})
