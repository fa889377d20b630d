from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from yakuba.exports.registry import EXPORTERS


class Export(models.Model):
    """One file leaving yakuba (CSV, PDF batch, 全銀 file, package) — the one export step.

    Every export is logged; bulk personal data waits for a supervisor's approval (審議会: USBメモリー
    やスマホによる持ち出しの懸念) or a routine pre-approval; the file is built once, at the request,
    watermarked with its id, the user and the time, kept encrypted in the vault (``stored``) and
    delivered once, byte for byte (``sha256``); the vault copy is erased after the download or at
    ``expires_at``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "承認待ち"
        APPROVED = "approved", "出力可"
        REJECTED = "rejected", "却下"
        DOWNLOADED = "downloaded", "出力済み"
        EXPIRED = "expired", "期限切れ(消去済み)"

    kind = models.CharField("出力の種類", max_length=60)
    params = models.JSONField("条件", default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exports", verbose_name="申請者")
    organisation = models.CharField("組織コード", max_length=40)
    reason = models.CharField("出力の理由", max_length=200, blank=True)
    row_count = models.PositiveIntegerField("件数", default=0)
    categories = models.JSONField("含まれる個人情報の区分", default=list)
    bulk = models.BooleanField("大量の個人情報", default=False)
    status = models.CharField("状態", max_length=12, choices=Status.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="承認者")
    decided_at = models.DateTimeField("承認日時", null=True, blank=True)
    created_at = models.DateTimeField("申請日時", default=timezone.now)
    downloaded_at = models.DateTimeField("出力日時", null=True, blank=True)
    filename = models.CharField("ファイル名", max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    content_type = models.CharField("形式", max_length=60, blank=True)
    purposes = models.JSONField("利用目的", default=list, blank=True)
    watermark = models.CharField("透かし", max_length=200, blank=True)
    stored = models.ForeignKey("vault.StoredObject", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="保管中のファイル")
    expires_at = models.DateTimeField("保管期限", null=True, blank=True)
    erased_at = models.DateTimeField("消去日時", null=True, blank=True)
    routine = models.ForeignKey("RoutineApproval", null=True, blank=True, on_delete=models.PROTECT, related_name="exports",
                                verbose_name="事前承認")

    class Meta:
        verbose_name = "出力"
        verbose_name_plural = "出力"
        ordering = ["-created_at", "-pk"]

    @property
    def label(self) -> str:
        exporter = EXPORTERS.get(self.kind)
        return exporter.label if exporter else self.kind


class RoutineApproval(models.Model):
    """A supervisor's pre-approval of a routine kind of export (e.g. the monthly 不能通知) for a period:
    a bulk request of that kind, by someone else of the organisation, inside the period is approved by it."""

    kind = models.CharField("出力の種類", max_length=60)
    organisation = models.CharField("組織コード", max_length=40)
    valid_from = models.DateField("開始日")
    valid_until = models.DateField("終了日")
    reason = models.CharField("理由", max_length=200, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="承認者")
    created_at = models.DateTimeField("承認日時", default=timezone.now)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="取消者")
    revoked_at = models.DateTimeField("取消日時", null=True, blank=True)

    class Meta:
        verbose_name = "定例出力の事前承認"
        verbose_name_plural = "定例出力の事前承認"
        ordering = ["-valid_until", "-pk"]

    @property
    def label(self) -> str:
        exporter = EXPORTERS.get(self.kind)
        return exporter.label if exporter else self.kind
