"""Corrections that get made (issue #13 §7): 訂正依頼 tracked to the answer, and the history of
every corrected field (what changed, when, why, by whom).

str() of each is a number or an id, never a name. The request's text (what is wrong, the change
asked, the answer) and a change's old/new values are personal data; a change's values carry the
category of the field they were (shown through `derived` of yakuba.audit.reveal).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yakuba.accounts.models import Organisation
from yakuba.consult.models.cases import PURPOSE, RETENTION, Case, Person
from yakuba.privacy.declarations import Category, Declaration


class CorrectionRequest(models.Model):
    """訂正依頼: from the person, a 民生委員 or the centre, to the department that holds the data."""

    class Requester(models.TextChoices):
        PERSON = "person", "本人"
        MINSEI = "minsei", "民生委員"
        CENTRE = "centre", "センター"

    class Status(models.TextChoices):
        RECEIVED = "received", "受付"
        IN_PROGRESS = "in_progress", "対応中"
        CORRECTED = "corrected", "訂正済み"
        DECLINED = "declined", "訂正しない(理由あり)"
        WITHDRAWN = "withdrawn", "取り下げ"

    OPEN = (Status.RECEIVED, Status.IN_PROGRESS)

    number = models.CharField("訂正依頼番号", max_length=20, unique=True)
    centre = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="センター")
    requester = models.CharField("依頼者", max_length=10, choices=Requester.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="corrections",
                             verbose_name="ケース")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="corrections",
                               verbose_name="対象者")
    holder = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="保有する組織")
    department = models.CharField("保有する部署", max_length=100)
    record_ref = models.CharField("対象の記録", max_length=200)
    wrong = models.TextField("誤っている内容")
    asked = models.TextField("求める訂正")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consult_corrections",
                              verbose_name="担当者")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="受付者")
    received_on = models.DateField("受付日")
    due_on = models.DateField("期限")
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.RECEIVED)
    answer = models.TextField("回答", blank=True)
    answered_at = models.DateTimeField("回答日時", null=True, blank=True)
    escalated_at = models.DateTimeField("督促(センター長へ報告)日時", null=True, blank=True)
    escalated_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="報告先")

    PERSONAL_DATA = {
        "record_ref": Declaration(Category.SENSITIVE, PURPOSE, RETENTION),
        "wrong": Declaration(Category.SENSITIVE, PURPOSE, RETENTION),
        "asked": Declaration(Category.SENSITIVE, PURPOSE, RETENTION),
        "answer": Declaration(Category.SENSITIVE, PURPOSE, RETENTION),
    }
    NOT_PERSONAL = {"department": "市の部署の名称", "person": "相談者への参照(番号)", "holder": "組織への参照"}

    class Meta:
        verbose_name = "訂正依頼"
        verbose_name_plural = "訂正依頼"
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class RecordChange(models.Model):
    """One corrected field: which record, the old and new value, why, by whom, when, and the
    訂正依頼 it answers (when there is one)."""

    model = models.CharField("記録の種類", max_length=60)
    object_id = models.CharField("記録の番号", max_length=40)
    field = models.CharField("項目", max_length=60)
    old = models.TextField("訂正前")
    new = models.TextField("訂正後")
    reason = models.TextField("訂正の理由")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="訂正者")
    at = models.DateTimeField("訂正日時")
    correction = models.ForeignKey(CorrectionRequest, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="changes", verbose_name="訂正依頼")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="changes",
                             verbose_name="ケース")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="changes",
                               verbose_name="対象者")

    PERSONAL_DATA = {
        "old": Declaration(Category.SENSITIVE, PURPOSE, RETENTION),
        "new": Declaration(Category.SENSITIVE, PURPOSE, RETENTION),
        "reason": Declaration(Category.SENSITIVE, PURPOSE, RETENTION),
    }
    NOT_PERSONAL = {"person": "相談者への参照(番号)", "field": "項目の名前", "model": "記録の種類の名前"}

    class Meta:
        verbose_name = "訂正の履歴"
        verbose_name_plural = "訂正の履歴"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"訂正 {self.pk}"
