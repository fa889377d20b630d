"""The council's meetings (情報公開・個人情報保護審議会): members, who attended, the departments' 説明員, the
agenda (諮問事項 and 報告事項), the record of deliberation, the result. What the 会議結果報告書 is made from
(`yakuba.council.report`). Members' and staff's names are entered per city (the demo's are synthetic)."""

from __future__ import annotations

from django.db import models

from yakuba.privacy.declarations import Category, Declaration

PURPOSE = "審議会の運営と会議結果報告書の作成・公表"
RETENTION = "会議録は市の文書管理規程による(10年を標準とする)"


class Member(models.Model):
    """A member of the council (委員), in the order the report lists them."""

    class Title(models.TextChoices):
        CHAIR = "chair", "会長"
        DEPUTY = "deputy", "会長職務代理"
        MEMBER = "member", "委員"

    name = models.CharField("氏名", max_length=60)
    title = models.CharField("役職", max_length=8, choices=Title.choices, default=Title.MEMBER)
    order = models.PositiveSmallIntegerField("順", default=0)
    active = models.BooleanField("在任", default=True)

    PERSONAL_DATA = {"name": Declaration(Category.NAME, PURPOSE, RETENTION)}

    class Meta:
        verbose_name = "審議会委員"
        verbose_name_plural = "審議会委員"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"委員 {self.pk}"


class Meeting(models.Model):
    name = models.CharField("会議の名称", max_length=200)
    held_on = models.DateField("開催日")
    starts_at = models.TimeField("開始時刻")
    ends_at = models.TimeField("終了時刻", null=True, blank=True)
    place = models.CharField("開催場所", max_length=200)
    reported_on = models.DateField("報告日", null=True, blank=True)
    result = models.TextField("結果", blank=True)
    observers = models.PositiveSmallIntegerField("傍聴者数", default=0)
    secretariat = models.CharField("事務局職員", max_length=200, blank=True)
    opening = models.TextField("開会(記録)", blank=True)
    closing = models.TextField("閉会(記録)", blank=True)

    PERSONAL_DATA = {"secretariat": Declaration(Category.NAME, PURPOSE, RETENTION)}
    NOT_PERSONAL = {"name": "会議の名称であり個人の情報ではない"}

    class Meta:
        verbose_name = "審議会の会議"
        verbose_name_plural = "審議会の会議"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"会議 {self.pk}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField("出席")

    class Meta:
        verbose_name = "出欠"
        verbose_name_plural = "出欠"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="council_attendance_once")]


class Explainer(models.Model):
    """The department's 説明員 at one meeting (職氏名 as the report prints them)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="explainers")
    department = models.CharField("課", max_length=100)
    names = models.CharField("職氏名", max_length=300, help_text="「、」で区切る: 大野所長、飯田主査")
    order = models.PositiveSmallIntegerField("順", default=0)

    PERSONAL_DATA = {"names": Declaration(Category.NAME, PURPOSE, RETENTION)}

    class Meta:
        verbose_name = "説明員"
        verbose_name_plural = "説明員"
        ordering = ["order", "pk"]

    def people(self) -> list[str]:
        return [n.strip() for n in self.names.replace(",", "、").split("、") if n.strip()]


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        CONSULTATION = "consult", "諮問事項"
        REPORT = "report", "報告事項"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    number = models.PositiveSmallIntegerField("番号")
    kind = models.CharField("種類", max_length=8, choices=Kind.choices)
    title = models.CharField("議題", max_length=200)
    department = models.CharField("担当課", max_length=100)
    basis = models.CharField("根拠", max_length=200, blank=True, help_text="例: 個人情報保護条例第12条の規定による諮問")
    explanation = models.TextField("説明員の説明", blank=True)
    conclusion = models.TextField("結論", blank=True)

    class Meta:
        verbose_name = "議題"
        verbose_name_plural = "議題"
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="council_agenda_number_once")]


class Statement(models.Model):
    """One line of the 質疑応答: who spoke (委員, 説明員, 事務局 — never a name) and what was said."""

    class Speaker(models.TextChoices):
        MEMBER = "member", "委員"
        EXPLAINER = "explainer", "説明員"
        SECRETARIAT = "secretariat", "事務局"
        CHAIR = "chair", "会長"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="statements")
    order = models.PositiveSmallIntegerField("順")
    speaker = models.CharField("発言者", max_length=12, choices=Speaker.choices)
    text = models.TextField("発言")

    class Meta:
        verbose_name = "発言"
        verbose_name_plural = "発言"
        ordering = ["order", "pk"]
