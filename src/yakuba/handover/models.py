from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PackageRecord(models.Model):
    """A hand-over package sent or accepted (受け渡し記録). Accepted ones stop replays."""

    class Direction(models.TextChoices):
        SENT = "sent", "送付"
        RECEIVED = "received", "受領"

    direction = models.CharField("区分", max_length=10, choices=Direction.choices)
    package_id = models.UUIDField("パッケージID")
    sender = models.CharField("送付元", max_length=40)
    recipient = models.CharField("送付先", max_length=40)
    sequence = models.PositiveIntegerField("通番")
    purpose = models.CharField("目的", max_length=200, blank=True)
    file_count = models.PositiveIntegerField("ファイル数", default=0)
    total_size = models.BigIntegerField("合計サイズ", default=0)
    manifest = models.JSONField("マニフェスト", default=dict)
    manifest_sha256 = models.CharField("マニフェストのSHA-256", max_length=64, blank=True)
    receipt = models.BinaryField("受領書(署名付き)", null=True, blank=True)
    receipt_at = models.DateTimeField("受領確認日時", null=True, blank=True)
    at = models.DateTimeField("日時", default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="担当者")

    class Meta:
        verbose_name = "受け渡し記録"
        verbose_name_plural = "受け渡し記録"
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "package_id"], name="one_record_per_package"),
            models.UniqueConstraint(fields=["direction", "sender", "recipient", "sequence"], name="one_sequence_number_once"),
        ]
