"""What the 利用調整 screens post, as forms: views read every POST through one of these
(`yakuba.web.cleaned`), never `request.POST` itself.

Error texts are Japanese and name the field; none repeats what was typed (a name, a number).
"""

from __future__ import annotations

from typing import Any

from django import forms

from yakuba.admission.actions.applications import BOOLEAN_FACTS
from yakuba.admission.models import Result

REQUIRED = "入力してください。"
WHOLE_NUMBER = "整数で入力してください。"


def year_field(label: str = "入園年度") -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=2000, max_value=2100, error_messages={
        "required": REQUIRED, "invalid": "西暦の年(例: 2027)で入力してください。",
        "min_value": "2000〜2100年で入力してください。", "max_value": "2000〜2100年で入力してください。"})


def number_field(label: str, *, required: bool = False, **limits: int) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, **limits, error_messages={
        "required": REQUIRED, "invalid": WHOLE_NUMBER, "min_value": "%(limit_value)s 以上で入力してください。",
        "max_value": "%(limit_value)s 以下で入力してください。"})


def text_field(label: str, *, required: bool = False, max_length: int | None = None) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, error_messages={
        "required": REQUIRED, "max_length": "%(limit_value)s 文字以内で入力してください。"})


def file_field(label: str) -> forms.FileField:
    return forms.FileField(label=label, error_messages={
        "required": "ファイルを指定してください。", "invalid": "ファイルを指定してください。",
        "empty": "ファイルが空です。", "missing": "ファイルを指定してください。"})


class CodesField(forms.CharField):
    """Facility codes separated by commas, 読点 or spaces (`1001,1002`, `1001、1002`) → a list."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        return [w for w in text.replace("、", ",").replace(" ", ",").split(",") if w.strip()]


class PackageForm(forms.Form):
    """The vendor's delivery package (納品パッケージ) and the year its applications are for."""

    package = file_field("納品パッケージ")
    year = year_field()


class IncomeForm(forms.Form):
    """The tax system's CSV of 所得割額 per 宛名番号."""

    income = file_field("所得割額のファイル")
    year = year_field("年度")


class FacilitiesForm(forms.Form):
    """A new round: the facilities and their 定員 per age class."""

    facilities = file_field("施設と定員のファイル")
    facilities.required = False  # none: the city profile's facilities.csv (yakuba.admission.config)
    year = year_field()


class EntryForm(forms.Form):
    """An application entered by hand at the counter (窓口)."""

    year = year_field()
    receipt_number = text_field("受付番号", required=True, max_length=30)
    child_name = text_field("児童 氏名", required=True, max_length=60)
    child_birth = forms.DateField(label="児童 生年月日", input_formats=["%Y-%m-%d"], error_messages={
        "required": REQUIRED, "invalid": "YYYY-MM-DD の形で入力してください。"})
    guardian1_name = text_field("保護者1 氏名", max_length=60)
    guardian2_name = text_field("保護者2 氏名", max_length=60)
    address = text_field("住所", max_length=200)
    base_points = number_field("基準点")
    wishes = CodesField(label="希望施設", required=False)

    def clean_base_points(self) -> int:
        return self.cleaned_data["base_points"] or 0


class CorrectionForm(forms.Form):
    """A correction of an application: 基準点 and wishes (one form), or the city's facts (another,
    which posts `facts_form`). What a form does not post is left as it is.

    `cleaned_data["changes"]`: the changes, as `actions.applications.do_correct_application` takes them.
    """

    base_points = number_field("基準点")
    wishes = CodesField(label="希望施設", required=False)
    facts_form = forms.BooleanField(required=False)
    siblings_enrolled = CodesField(label="きょうだいが在園する施設", required=False)
    number_of_children = number_field("世帯の子どもの数")
    current = text_field("在籍施設", max_length=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in BOOLEAN_FACTS.items():
            self.fields[key] = forms.BooleanField(label=label, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        changes: dict[str, Any] = {}
        if data.get("base_points") is not None:
            changes["base_points"] = data["base_points"]
        if "wishes" in self.data:
            changes["wishes"] = data.get("wishes", [])
        if data.get("facts_form"):
            facts: dict[str, Any] = {k: True for k in BOOLEAN_FACTS if data.get(k)}
            if data.get("siblings_enrolled"):
                facts["siblings_enrolled"] = data["siblings_enrolled"]
            if data.get("number_of_children") is not None:
                facts["number_of_children"] = data["number_of_children"]
            if data.get("current"):
                facts["current"] = data["current"]
            changes["facts"] = facts
        data["changes"] = changes
        return data


class MatchForm(forms.Form):
    """Staff tie an application to residents by 宛名番号."""

    child = forms.CharField(label="児童の宛名番号", error_messages={"required": "児童の宛名番号を入力してください。"})
    guardian1 = text_field("保護者1の宛名番号")
    guardian2 = text_field("保護者2の宛名番号")


class WhatIfForm(forms.Form):
    """試算: one class's capacity changed."""

    facility = text_field("施設コード", required=True)
    age = number_field("年齢クラス", required=True, min_value=0, max_value=5)
    capacity = number_field("定員", required=True, min_value=0)


class NoticesForm(forms.Form):
    """Which letters to print: all, the 承諾通知 (placed) or the 保留通知 (waiting)."""

    KINDS = {"": None, "placed": False, "waiting": True}
    """kind → `waiting` of `actions.notices.results_for_print`."""

    kind = forms.ChoiceField(label="通知の種類", required=False, choices=[
        ("", "すべて"), ("placed", "承諾通知"), ("waiting", "保留通知")],
        error_messages={"invalid_choice": "通知の種類を選んでください。"})


class ResponseForm(forms.Form):
    """The guardian's answer to a placement."""

    response = forms.ChoiceField(label="回答", choices=[
        (Result.Response.ACCEPTED, "承諾"), (Result.Response.DECLINED, "辞退")],
        error_messages={"required": "回答は承諾か辞退です。", "invalid_choice": "回答は承諾か辞退です。"})
