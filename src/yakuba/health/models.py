"""健康情報システム: children and their 乳幼児健診 records (3〜4か月, 1歳6か月, 3歳).

str() of every model is an id, never a name. The measurements, 所見 and 判定 are 健康; the 問診's
abuse-risk answers are 要配慮 (yakuba.health.interview marks which); both go only to the health staff.
`to_record()` turns a child into the plain `yakuba.linkage.checkup.ChildRecord` that the 副本 and the
FHIR export are made from.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from yakuba.linkage.checkup import (Birth, CheckupKind, CheckupRecord, ChildRecord, Dental, Finding, FindingStatus,
                                    BodySystem, InterviewAnswer, Judgement, Sex, Urine, UrineResult, VisionHearing)
from yakuba.privacy.declarations import Category, Declaration

PURPOSE = "母子保健法に基づく乳幼児健康診査の実施と記録、転居先市町村への情報提供(第19条の2)"
RETENTION = "市の文書管理規程による(当該児の就学後5年を標準とする)"

KINDS = [(k.value, k.label) for k in CheckupKind]
JUDGEMENTS = [(j.value, j.label) for j in Judgement]
URINE = [(u.value, u.value) for u in UrineResult]


class Child(models.Model):
    """A child known to the 健康増進センター; `resident_key` is the city's 宛名番号 (団体内統合宛名番号)."""

    resident_key = models.CharField("宛名番号", max_length=20, unique=True)
    name = models.CharField("氏名", max_length=60)
    name_kana = models.CharField("氏名(カナ)", max_length=60, blank=True)
    birth_date = models.DateField("生年月日")
    sex = models.CharField("性別", max_length=6, choices=[(s.value, s.label) for s in Sex])
    birth_weight_g = models.PositiveIntegerField("出生時体重(g)", null=True, blank=True)
    birth_length_cm = models.DecimalField("出生時身長(cm)", max_digits=4, decimal_places=1, null=True, blank=True)
    birth_head_cm = models.DecimalField("出生時頭囲(cm)", max_digits=4, decimal_places=1, null=True, blank=True)
    birth_chest_cm = models.DecimalField("出生時胸囲(cm)", max_digits=4, decimal_places=1, null=True, blank=True)
    gestational_weeks = models.PositiveSmallIntegerField("在胎週数", null=True, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    PERSONAL_DATA = {
        "resident_key": Declaration(Category.IDENTIFIER, PURPOSE, RETENTION),
        "name": Declaration(Category.NAME, PURPOSE, RETENTION),
        "name_kana": Declaration(Category.NAME, PURPOSE, RETENTION),
        "birth_date": Declaration(Category.BIRTH_DATE, PURPOSE, RETENTION),
        "sex": Declaration(Category.HEALTH, PURPOSE, RETENTION),
        "birth_weight_g": Declaration(Category.HEALTH, PURPOSE, RETENTION),
        "birth_length_cm": Declaration(Category.HEALTH, PURPOSE, RETENTION),
        "birth_head_cm": Declaration(Category.HEALTH, PURPOSE, RETENTION),
        "birth_chest_cm": Declaration(Category.HEALTH, PURPOSE, RETENTION),
        "gestational_weeks": Declaration(Category.HEALTH, PURPOSE, RETENTION),
    }

    class Meta:
        verbose_name = "乳幼児"
        verbose_name_plural = "乳幼児"
        ordering = ["-birth_date", "pk"]

    def __str__(self) -> str:
        return f"乳幼児 {self.pk}"

    @property
    def sex_enum(self) -> Sex:
        return Sex(self.sex)

    def to_record(self) -> ChildRecord:
        birth = Birth(self.birth_weight_g, self.birth_length_cm, self.birth_head_cm, self.birth_chest_cm,
                      self.gestational_weeks)
        checkups = tuple(c.to_record() for c in self.checkups.order_by("checkup_date", "pk"))
        return ChildRecord(self.resident_key, self.birth_date, Sex(self.sex), birth, checkups)


class Checkup(models.Model):
    """One 乳幼児健診 of one child: the minimum items, 所見 by body system, 判定, and per checkup its own."""

    class Source(models.TextChoices):
        ENTRY = "entry", "画面入力"
        IMPORT = "import", "CSV取込"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="checkups", verbose_name="乳幼児")
    kind = models.CharField("健診", max_length=6, choices=KINDS)
    checkup_date = models.DateField("健診受診日")
    age_in_months = models.PositiveSmallIntegerField("受診時月齢")
    height_cm = models.DecimalField("身長(cm)", max_digits=4, decimal_places=1, null=True, blank=True)
    weight_kg = models.DecimalField("体重(kg)", max_digits=5, decimal_places=3, null=True, blank=True)
    chest_cm = models.DecimalField("胸囲(cm)", max_digits=4, decimal_places=1, null=True, blank=True)
    head_cm = models.DecimalField("頭囲(cm)", max_digits=4, decimal_places=1, null=True, blank=True)
    findings = models.JSONField("所見", default=list, blank=True)
    judgement = models.CharField("判定", max_length=10, choices=JUDGEMENTS, blank=True)
    detailed_exam_date = models.DateField("精密検査受診日", null=True, blank=True)
    urine_protein = models.CharField("検尿(蛋白)", max_length=2, choices=URINE, blank=True)
    urine_blood = models.CharField("検尿(潜血)", max_length=2, choices=URINE, blank=True)
    nutrition = models.CharField("栄養状態", max_length=100, blank=True)
    caries_teeth = models.PositiveSmallIntegerField("むし歯の本数", null=True, blank=True)
    dental_note = models.CharField("歯科所見", max_length=200, blank=True)
    eyes = models.CharField("眼", max_length=100, blank=True)
    ears = models.CharField("耳", max_length=100, blank=True)
    interview = models.JSONField("問診(要配慮を含む)", default=dict, blank=True)
    warnings = models.JSONField("入力時の警告", default=list, blank=True)
    confirmed_warnings = models.JSONField("確認済みの警告", default=list, blank=True)
    source = models.CharField("入力元", max_length=8, choices=Source.choices, default=Source.ENTRY)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="入力者")
    entered_at = models.DateTimeField("入力日時", auto_now_add=True)

    PERSONAL_DATA = {name: Declaration(Category.HEALTH, PURPOSE, RETENTION) for name in (
        "checkup_date", "age_in_months", "height_cm", "weight_kg", "chest_cm", "head_cm", "findings", "judgement",
        "detailed_exam_date", "urine_protein", "urine_blood", "nutrition", "caries_teeth", "dental_note", "eyes",
        "ears")}
    PERSONAL_DATA["interview"] = Declaration(Category.SENSITIVE, PURPOSE, RETENTION)
    NOT_PERSONAL = {"warnings": "入力時の警告の種類(例: weight_kg:outside_band)で値は含まない",
                    "confirmed_warnings": "職員が確認した警告の種類で値は含まない"}

    @property
    def open_warnings(self) -> list[str]:
        """Warnings nobody confirmed yet (an imported record's): the child's page asks to look at them."""
        return [w for w in self.warnings or [] if w not in set(self.confirmed_warnings or [])]

    class Meta:
        verbose_name = "乳幼児健診"
        verbose_name_plural = "乳幼児健診"
        ordering = ["checkup_date", "pk"]
        constraints = [models.UniqueConstraint(fields=["child", "kind"], name="health_one_checkup_of_each_kind")]

    def __str__(self) -> str:
        return f"健診 {self.pk}"

    @property
    def kind_enum(self) -> CheckupKind:
        return CheckupKind(self.kind)

    def to_record(self) -> CheckupRecord:
        from yakuba.health.interview import questions

        sensitive = {q.code for q in questions() if q.sensitive}
        findings = tuple(Finding(BodySystem(f["system"]), FindingStatus(f["status"]), f.get("note", ""))
                         for f in self.findings or [])
        urine = Urine(UrineResult(self.urine_protein), UrineResult(self.urine_blood)) \
            if self.urine_protein and self.urine_blood else None
        dental = Dental(self.caries_teeth, self.dental_note) if self.caries_teeth is not None else None
        vision = VisionHearing(self.eyes, self.ears) if self.eyes or self.ears else None
        answers = tuple(InterviewAnswer(code, str(answer), code in sensitive)
                        for code, answer in sorted((self.interview or {}).items()))
        return CheckupRecord(CheckupKind(self.kind), self.checkup_date, self.age_in_months, _dec(self.height_cm),
                             _dec(self.weight_kg), _dec(self.chest_cm), _dec(self.head_cm), findings,
                             Judgement(self.judgement) if self.judgement else None, self.detailed_exam_date, urine,
                             self.nutrition, dental, vision, answers)


def _dec(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value)


class LinkageRecord(models.Model):
    """A child's place in 情報連携: the 符号 the hub issued this city for the child, the family's view key
    for the provision log (printed on their letter), and the 副本 last registered on the 中間サーバー."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="linkage", verbose_name="乳幼児")
    fugo = models.CharField("符号", max_length=64)
    view_key = models.CharField("提供記録の確認キー", max_length=64)
    enrolled_at = models.DateTimeField("符号の取得日時")
    fukuhon_sha256 = models.CharField("登録した副本のSHA-256", max_length=64, blank=True)
    registered_at = models.DateTimeField("副本の登録日時", null=True, blank=True)
    last_error = models.CharField("直近の失敗", max_length=200, blank=True)

    PERSONAL_DATA = {
        "fugo": Declaration(Category.IDENTIFIER, PURPOSE, RETENTION),
        "view_key": Declaration(Category.IDENTIFIER, PURPOSE, RETENTION),
    }
    NOT_PERSONAL = {"fukuhon_sha256": "副本の要約値(ハッシュ)で、値を復元できない",
                    "last_error": "失敗の種類と理由コード(値を含まない)"}

    class Meta:
        verbose_name = "情報連携の登録"
        verbose_name_plural = "情報連携の登録"

    def __str__(self) -> str:
        return f"情報連携 {self.pk}"


class ReceivedCheckup(models.Model):
    """A checkup of the child received from the former city by 情報照会 (母子保健法第19条の2): the items
    the allow-list allowed, as the former city's 中間サーバー provided them (signed there, verified and opened
    on this city's 中間サーバー). `query_sha256` names the query, as the provision log's entries do."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="received", verbose_name="乳幼児")
    provider = models.CharField("照会先(機関)", max_length=64)
    provider_name = models.CharField("照会先", max_length=100)
    jimu = models.CharField("事務", max_length=64)
    kind = models.CharField("健診", max_length=6, choices=KINDS)
    items = models.JSONField("提供された項目", default=dict)
    query_sha256 = models.CharField("照会の要約値", max_length=64)
    received_at = models.DateTimeField("受領日時", auto_now_add=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="照会者")

    PERSONAL_DATA = {"items": Declaration(Category.HEALTH, PURPOSE, RETENTION)}
    NOT_PERSONAL = {"provider": "機関の識別子", "provider_name": "機関の名称", "jimu": "事務の識別子",
                    "kind": "健診の種類", "query_sha256": "照会の要約値(ハッシュ)で、値を含まない"}

    class Meta:
        verbose_name = "他市町村から受領した健診情報"
        verbose_name_plural = "他市町村から受領した健診情報"
        ordering = ["kind", "-received_at"]

    def __str__(self) -> str:
        return f"受領 {self.pk}"


class FamilyCode(models.Model):
    """A one-time code printed on a letter for the child's family: it opens the family's page once
    (`yakuba.health.family`). Only its SHA-256 is kept; the code itself is shown once, on the letter."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family_codes", verbose_name="乳幼児")
    code_sha256 = models.CharField("確認コードの要約値", max_length=64, unique=True)
    issued_at = models.DateTimeField("発行日時", auto_now_add=True)
    expires_at = models.DateTimeField("有効期限")
    used_at = models.DateTimeField("使用日時", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="発行者")

    NOT_PERSONAL = {"code_sha256": "確認コードの要約値(ハッシュ)で、コードを復元できない"}

    class Meta:
        verbose_name = "家庭向け確認コード"
        verbose_name_plural = "家庭向け確認コード"

    def __str__(self) -> str:
        return f"確認コード {self.pk}"
