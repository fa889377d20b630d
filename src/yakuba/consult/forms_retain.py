"""What the correction, retention and disposal screens accept (through ``yakuba.web.cleaned``)."""

from __future__ import annotations

from django import forms

from yakuba.consult.models import CorrectionRequest
from yakuba.debit.forms import IsoDateField

ANSWER_CHOICES = [(s.value, s.label) for s in (CorrectionRequest.Status.CORRECTED, CorrectionRequest.Status.DECLINED,
                                               CorrectionRequest.Status.WITHDRAWN)]


class CorrectionRequestForm(forms.Form):
    """A 訂正依頼: who asked, which department holds the data, what is wrong, the owner, the due date."""

    requester = forms.ChoiceField(label="依頼者", choices=CorrectionRequest.Requester.choices)
    department = forms.ChoiceField(label="データを保有する部署", choices=())
    record_ref = forms.CharField(label="対象の記録(例: 高齢者実態調査 令和7年度)", max_length=200)
    wrong = forms.CharField(label="誤っている内容", widget=forms.Textarea, max_length=4000)
    asked = forms.CharField(label="求める訂正", widget=forms.Textarea, max_length=4000)
    owner = forms.TypedChoiceField(label="担当者", coerce=int, choices=())
    person = forms.TypedChoiceField(label="対象者", coerce=int, choices=(), required=False, empty_value=None)
    due_on = IsoDateField(label="期限(空欄: 市の設定の日数)", required=False)

    def __init__(self, *args, departments=(), owners=(), people=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d, d) for d in departments]
        self.fields["owner"].choices = [(u.pk, u.username) for u in owners]
        self.fields["person"].choices = [("", "(選ばない)")] + [(p, f"相談者 {p}") for p in people]


class CorrectionAnswerForm(forms.Form):
    status = forms.ChoiceField(label="結果", choices=ANSWER_CHOICES)
    answer = forms.CharField(label="回答(訂正しない場合はその理由)", widget=forms.Textarea, max_length=4000)


class CorrectForm(forms.Form):
    """One field of a record corrected: which (``kind:pk:field``, choices given by the view), the new value, why."""

    target = forms.ChoiceField(label="訂正する項目", choices=())
    value = forms.CharField(label="訂正後の値(日付は 2026-04-01 の形)", widget=forms.Textarea, max_length=8000,
                            required=False)
    reason = forms.CharField(label="訂正の理由", max_length=2000)
    correction = forms.TypedChoiceField(label="訂正依頼", coerce=int, choices=(), required=False, empty_value=None)

    def __init__(self, *args, targets=(), corrections=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = list(targets)
        self.fields["correction"].choices = [("", "(訂正依頼によらない)")] + [(c.pk, c.number) for c in corrections]


class DisposalForm(forms.Form):
    """A machine's retired storage and the contractor's certificate (verified before it is recorded)."""

    asset_id = forms.CharField(label="機器の資産番号", max_length=80)
    serial = forms.CharField(label="記憶装置のシリアル番号", max_length=80)
    retired_on = IsoDateField(label="廃棄日")
    contractor = forms.CharField(label="委託業者", max_length=100)
    certificate = forms.FileField(label="業者の証明書ファイル")
    sha256 = forms.CharField(label="業者が示したSHA-256", max_length=80)
    signature = forms.FileField(label="署名ファイル(Ed25519、あれば)", required=False)
    public_key = forms.CharField(label="業者の公開鍵(初回のみ、ed25519:…)", max_length=100, required=False)
