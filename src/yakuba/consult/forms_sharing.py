"""What the sharing screens accept in a POST (through ``yakuba.web.cleaned``). Choices come from
the database (agencies, city departments) or the case (its people, consents, meetings); the
actions check everything again (yakuba.consult.actions.sharing)."""

from __future__ import annotations

from typing import Any

from django import forms

from yakuba.accounts.models import Organisation
from yakuba.consult.models import Case, Consent, Disclosure, InformationRequest
from yakuba.consult.sharing_rules import AGENCY_KINDS, GROUPS, LONGEST_VIEW_DAYS, SHAREABLE, STATUTES
from yakuba.debit.forms import IsoDateField


def _orgs(kind: str) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in Organisation.objects.filter(kind=kind).order_by("name", "pk")]


class _CaseForm(forms.Form):
    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("organisation", "agencies"):
            if name in self.fields:
                self.fields[name].choices = _orgs(Organisation.Kind.AGENCY)  # type: ignore[attr-defined]
        if "convened_by" in self.fields:
            self.fields["convened_by"].choices = _orgs(Organisation.Kind.CITY_DEPARTMENT)  # type: ignore[attr-defined]
        if case is not None:
            self.with_case(case)

    def with_case(self, case: Case) -> None:
        if "person" in self.fields:
            self.fields["person"].choices = [(p.pk, f"対象者 {p.pk}") for p in case.people.order_by("pk")]  # type: ignore[attr-defined]
        if "consent" in self.fields:
            self.fields["consent"].choices = [("", "—")] + [  # type: ignore[attr-defined]
                (c.pk, f"同意 {c.pk}{'(撤回済み)' if c.is_revoked else ''}") for c in case.consents.all()]
        if "meeting" in self.fields:
            self.fields["meeting"].choices = [("", "—")] + [  # type: ignore[attr-defined]
                (m.pk, f"支援会議 {m.pk}({m.held_on:%Y-%m-%d})") for m in case.meetings.all()]


class ConsentForm(_CaseForm):
    person = forms.TypedChoiceField(label="同意した人", coerce=int, choices=())
    agencies = forms.TypedMultipleChoiceField(label="提供先の機関", coerce=int, choices=(), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    agency_kinds = forms.MultipleChoiceField(label="提供先の機関の種類", choices=list(AGENCY_KINDS.items()),
                                             required=False, widget=forms.CheckboxSelectMultiple)
    groups = forms.MultipleChoiceField(label="提供する情報の範囲", choices=list(GROUPS.items()),
                                       widget=forms.CheckboxSelectMultiple)
    purpose = forms.CharField(label="利用目的", max_length=200)
    method = forms.ChoiceField(label="同意の方法", choices=Consent.Method.choices)


class RevokeConsentForm(forms.Form):
    reason = forms.CharField(label="撤回の理由", max_length=200, required=False)


class ShareForm(_CaseForm):
    organisation = forms.TypedChoiceField(label="提供先", coerce=int, choices=())
    basis = forms.ChoiceField(label="法的根拠", choices=Disclosure.Basis.choices)
    consent = forms.TypedChoiceField(label="同意", coerce=int, choices=(), required=False, empty_value=None)
    meeting = forms.TypedChoiceField(label="支援会議", coerce=int, choices=(), required=False, empty_value=None)
    statute = forms.ChoiceField(label="根拠法令", choices=[("", "—")] + list(STATUTES.items()), required=False)
    chosen = forms.MultipleChoiceField(label="提供する項目", choices=[(k, v.label) for k, v in SHAREABLE.items()],
                                       widget=forms.CheckboxSelectMultiple)
    form = forms.ChoiceField(label="提供の方法", choices=Disclosure.Form.choices[:2])
    days = forms.IntegerField(label="閲覧期限(日数)", min_value=1, max_value=LONGEST_VIEW_DAYS, initial=14,
                              required=False)


class ReceivedForm(_CaseForm):
    organisation = forms.TypedChoiceField(label="提供元", coerce=int, choices=())
    summary = forms.CharField(label="受領した内容", widget=forms.Textarea, max_length=4000)
    basis = forms.ChoiceField(label="法的根拠", choices=Disclosure.Basis.choices)
    consent = forms.TypedChoiceField(label="同意", coerce=int, choices=(), required=False, empty_value=None)
    meeting = forms.TypedChoiceField(label="支援会議", coerce=int, choices=(), required=False, empty_value=None)
    statute = forms.ChoiceField(label="根拠法令", choices=[("", "—")] + list(STATUTES.items()), required=False)


class MeetingForm(_CaseForm):
    convened_by = forms.TypedChoiceField(label="招集した市の部署", coerce=int, choices=())
    held_on = IsoDateField(label="開催日")
    agenda = forms.CharField(label="議題", widget=forms.Textarea, max_length=2000)


class MemberForm(_CaseForm):
    organisation = forms.TypedChoiceField(label="構成員(関係機関)", coerce=int, choices=())
    secrecy = forms.BooleanField(label="守秘義務(社会福祉法第106条の6第5項)を構成員が確認した", required=False)


class MinutesForm(forms.Form):
    conclusions = forms.CharField(label="結論", widget=forms.Textarea, max_length=4000, required=False)
    minutes = forms.CharField(label="議事録", widget=forms.Textarea, max_length=8000, required=False)


class InformationRequestForm(_CaseForm):
    organisation = forms.TypedChoiceField(label="照会先・照会元", coerce=int, choices=())
    direction = forms.ChoiceField(label="方向", choices=InformationRequest.Direction.choices)
    subject = forms.CharField(label="照会の内容", widget=forms.Textarea, max_length=2000)
    due_on = IsoDateField(label="回答期限")


class AnswerForm(forms.Form):
    answer = forms.CharField(label="回答", widget=forms.Textarea, max_length=4000)
