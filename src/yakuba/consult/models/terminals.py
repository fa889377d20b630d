"""Registered terminals (端末登録, issue #13 §5) and break-glass access out of office hours (§6).

A `Terminal` is issued by a センター長 of the centre; the device presents its one-time registration
code once and receives a long random cookie. Only hashes are stored (SHA-256 of the code and of
the cookie's secret): the database alone does not let anyone act as a terminal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from yakuba.consult.models.cases import PURPOSE, RETENTION, Case
from yakuba.privacy.declarations import Category, Declaration


class Terminal(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="センター")
    label = models.CharField("端末名", max_length=80)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="発行者")
    issued_at = models.DateTimeField("発行日時", default=timezone.now)
    code_hash = models.CharField("登録コードのハッシュ", max_length=64, unique=True)
    code_expires_at = models.DateTimeField("登録コードの有効期限")
    registered_at = models.DateTimeField("登録日時", null=True, blank=True)
    secret_hash = models.CharField("端末鍵のハッシュ", max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField("有効期限")
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="失効させた人")
    last_seen_at = models.DateTimeField("最終利用日時", null=True, blank=True)

    NOT_PERSONAL = {"label": "センターの端末の名前(個人の情報ではない)",
                    "code_hash": "登録コードのハッシュ", "secret_hash": "端末鍵のハッシュ"}

    class Meta:
        verbose_name = "登録端末"
        verbose_name_plural = "登録端末"
        ordering = ["organisation_id", "-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def state(self) -> str:
        now = timezone.now()
        if self.revoked_at is not None:
            return "失効"
        if self.expires_at <= now:
            return "期限切れ"
        if self.registered_at is None:
            return "登録待ち" if self.code_expires_at > now else "登録コード期限切れ"
        return "有効"


class BreakGlass(models.Model):
    """An on-call worker's access to a case out of office hours: reason, time limit, review."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "確認待ち"
        CONFIRMED = "confirmed", "確認済み(妥当)"
        INCIDENT = "incident", "インシデントとして報告"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass", verbose_name="ケース")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name="開いた相談支援員")
    terminal = models.ForeignKey(Terminal, on_delete=models.PROTECT, null=True, related_name="+",
                                 verbose_name="端末")
    reason = models.TextField("理由")
    opened_at = models.DateTimeField("開始日時", default=timezone.now)
    expires_at = models.DateTimeField("終了日時")
    review_on = models.DateField("確認予定日")
    outcome = models.CharField("確認の結果", max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="確認者")
    reviewed_at = models.DateTimeField("確認日時", null=True, blank=True)

    PERSONAL_DATA = {"reason": Declaration(Category.SENSITIVE, PURPOSE, RETENTION)}

    class Meta:
        verbose_name = "緊急時の閲覧(ブレークグラス)"
        verbose_name_plural = "緊急時の閲覧(ブレークグラス)"
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.user_id} {self.opened_at:%Y-%m-%d %H:%M}"

    def active(self, now=None) -> bool:  # type: ignore[no-untyped-def]
        return (now or timezone.now()) < self.expires_at


class Incident(models.Model):
    """A break-glass access the センター長 raised as an incident on review."""

    break_glass = models.OneToOneField(BreakGlass, on_delete=models.CASCADE, related_name="incident",
                                       verbose_name="緊急時の閲覧")
    note = models.TextField("所見")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="報告者")
    raised_at = models.DateTimeField("報告日時", default=timezone.now)

    PERSONAL_DATA = {"note": Declaration(Category.SENSITIVE, PURPOSE, RETENTION)}

    class Meta:
        verbose_name = "インシデント"
        verbose_name_plural = "インシデント"
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"インシデント {self.pk}"
