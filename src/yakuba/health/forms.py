"""What the health screens accept: a child, a checkup (its items per checkup kind), a CSV file."""

from __future__ import annotations

from typing import Any

from django import forms

from yakuba.debit.forms import IsoDateField
from yakuba.health.interview import for_checkup
from yakuba.health.models import JUDGEMENTS, URINE
from yakuba.linkage.checkup import BodySystem, CheckupKind, FindingStatus, Sex

DIGITS = {"invalid": "数字で入力してください。"}


class ChildForm(forms.Form):
    resident_key = forms.RegexField(label="宛名番号", regex=r"^\d{1,20}$", error_messages=DIGITS)
    name = forms.CharField(label="氏名", max_length=60)
    name_kana = forms.CharField(label="氏名(カナ)", max_length=60, required=False)
    birth_date = IsoDateField(label="生年月日")
    sex = forms.ChoiceField(label="性別", choices=[(s.value, s.label) for s in Sex])
    birth_weight_g = forms.IntegerField(label="出生時体重(g)", min_value=300, max_value=6000, required=False)
    birth_length_cm = forms.DecimalField(label="出生時身長(cm)", min_value=20, max_value=65, decimal_places=1,
                                         required=False)
    birth_head_cm = forms.DecimalField(label="出生時頭囲(cm)", min_value=15, max_value=45, decimal_places=1,
                                       required=False)
    birth_chest_cm = forms.DecimalField(label="出生時胸囲(cm)", min_value=15, max_value=45, decimal_places=1,
                                        required=False)
    gestational_weeks = forms.IntegerField(label="在胎週数", min_value=20, max_value=45, required=False)


def _measure(label: str, places: int, high: int) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=0, max_value=high, decimal_places=places, required=False,
                              widget=forms.NumberInput(attrs={"step": "0.1" if places == 1 else "0.001",
                                                              "inputmode": "decimal"}))


class CheckupForm(forms.Form):
    """One checkup. The fields that belong to other checkups (検尿 at 3歳, 栄養 at 1歳6か月) are left out
    for this kind; the 所見 has a status and a note per body system; the 問診 a field per question."""

    checkup_date = IsoDateField(label="健診受診日")
    height_cm = _measure("身長(cm)", 1, 200)
    weight_kg = _measure("体重(kg)", 3, 100)
    chest_cm = _measure("胸囲(cm)", 1, 100)
    head_cm = _measure("頭囲(cm)", 1, 100)
    judgement = forms.ChoiceField(label="判定", choices=[("", "—")] + JUDGEMENTS, required=False)
    detailed_exam_date = IsoDateField(label="精密検査受診日(要精査のとき)", required=False)
    urine_protein = forms.ChoiceField(label="検尿(蛋白)", choices=[("", "—")] + URINE, required=False)
    urine_blood = forms.ChoiceField(label="検尿(潜血)", choices=[("", "—")] + URINE, required=False)
    nutrition = forms.CharField(label="栄養状態", max_length=100, required=False)
    caries_teeth = forms.IntegerField(label="むし歯の本数", min_value=0, max_value=20, required=False)
    dental_note = forms.CharField(label="歯科所見", max_length=200, required=False)
    eyes = forms.CharField(label="眼", max_length=100, required=False)
    ears = forms.CharField(label="耳", max_length=100, required=False)
    confirm = forms.MultipleChoiceField(label="確認した警告", required=False, widget=forms.CheckboxSelectMultiple)

    ONLY = {"urine_protein": {CheckupKind.THREE}, "urine_blood": {CheckupKind.THREE},
            "nutrition": {CheckupKind.TODDLER}, "caries_teeth": {CheckupKind.TODDLER, CheckupKind.THREE},
            "dental_note": {CheckupKind.TODDLER, CheckupKind.THREE}, "eyes": {CheckupKind.TODDLER, CheckupKind.THREE},
            "ears": {CheckupKind.TODDLER, CheckupKind.THREE}}

    def __init__(self, *args: Any, kind: CheckupKind, warnings: list[tuple[str, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name, kinds in self.ONLY.items():
            if kind not in kinds:
                del self.fields[name]
        self.fields["checkup_date"].widget.attrs["autofocus"] = True
        for system in BodySystem:
            self.fields[f"finding_{system.value}"] = forms.ChoiceField(
                label=f"所見: {system.label}", choices=[(s.value, s.label) for s in FindingStatus],
                initial=FindingStatus.NONE.value, required=False)
            self.fields[f"finding_{system.value}_note"] = forms.CharField(
                label=f"{system.label}の所見", max_length=200, required=False)
        self.questions = for_checkup(kind)
        for q in self.questions:
            label = f"問診: {q.text}" + (" (要配慮)" if q.sensitive else "")
            if q.choices:
                self.fields[f"q_{q.code}"] = forms.ChoiceField(label=label, choices=[("", "—")] + [(c, c) for c in q.choices],
                                                               required=False)
            else:
                self.fields[f"q_{q.code}"] = forms.CharField(label=label, max_length=200, required=False)
        self.fields["confirm"].choices = warnings or []
        if not warnings:
            self.fields["confirm"].widget = forms.MultipleHiddenInput()

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("height_cm", "weight_kg", "chest_cm", "head_cm", "judgement",
                                      "detailed_exam_date", "urine_protein", "urine_blood", "nutrition",
                                      "caries_teeth", "dental_note", "eyes", "ears") if k in d}

    def findings(self) -> list[dict[str, str]]:
        out = []
        for system in BodySystem:
            status = self.cleaned_data.get(f"finding_{system.value}") or FindingStatus.NONE.value
            note = self.cleaned_data.get(f"finding_{system.value}_note") or ""
            if status != FindingStatus.NONE.value or note:
                out.append({"system": system.value, "status": status, "note": note})
        return out

    def interview(self) -> dict[str, str]:
        return {q.code: self.cleaned_data[f"q_{q.code}"] for q in self.questions if self.cleaned_data.get(f"q_{q.code}")}


class ImportForm(forms.Form):
    file = forms.FileField(label="健診結果のCSVファイル(UTF-8 または Shift_JIS)")


class AskForm(forms.Form):
    """情報照会 to the child's former city: which institution, which checkup (the items follow from the
    allow-list: staff do not pick them)."""

    provider = forms.ChoiceField(label="照会先(転入前の市町村)")
    kind = forms.ChoiceField(label="健診", choices=[(k.value, k.label) for k in CheckupKind])

    def __init__(self, *args: Any, institutions: list[dict] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(i["id"], i.get("name") or i["id"]) for i in institutions or []]


class FamilyCodeForm(forms.Form):
    code = forms.CharField(label="確認コード", max_length=40, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text="お知らせに印刷された16文字のコードです(ハイフンは省略できます)。")
