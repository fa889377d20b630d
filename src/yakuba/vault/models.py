from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from yakuba.accounts.models import Organisation


class ErasureCertificate(models.Model):
    """A signed certificate of erasure (消去証明書, NIST SP 800-88 fields), kept as issued."""

    id = models.UUIDField(primary_key=True)
    body = models.BinaryField("証明書(署名付きJSON)")
    issued_at = models.DateTimeField("発行日時")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="実施者")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, verbose_name="組織")
    count = models.PositiveIntegerField("消去件数")
    summary = models.CharField("対象", max_length=200)

    class Meta:
        verbose_name = "消去証明書"
        verbose_name_plural = "消去証明書"
        ordering = ["-issued_at"]


class StoredObject(models.Model):
    """A file kept encrypted with its own data key (scan, attachment, package).

    The data key is stored wrapped by the master key (which is outside the database). Erasure
    destroys the wrapped key and the file; the row stays as the record of what was erased.
    """

    class Kind(models.TextChoices):
        SCAN = "scan", "スキャン画像"
        ATTACHMENT = "attachment", "添付ファイル"
        PACKAGE = "package", "受け渡しパッケージ"
        ZENGIN = "zengin", "全銀ファイル(口座振替)"
        NOTICE = "notice", "通知書(PDF)"
        EXPORT = "export", "出力ファイル(承認・ダウンロード待ち)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("種類", max_length=20, choices=Kind.choices)
    description = models.CharField("説明", max_length=200, help_text="個人情報を書かないこと(例: 申請書 受付番号 R8-0001 の1枚目)")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, verbose_name="組織")
    categories = models.JSONField("含まれる個人情報の区分", default=list)
    batch = models.CharField("バッチ", max_length=60, blank=True, db_index=True)
    size = models.BigIntegerField("サイズ", default=0)
    plain_sha256 = models.CharField(max_length=64, blank=True)
    cipher_sha256 = models.CharField(max_length=64, blank=True)
    wrapped_key = models.BinaryField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField("消去日時", null=True, blank=True)
    certificate = models.ForeignKey(ErasureCertificate, null=True, blank=True, on_delete=models.PROTECT, related_name="objects_erased")

    class Meta:
        verbose_name = "暗号化ファイル"
        verbose_name_plural = "暗号化ファイル"
        ordering = ["created_at"]

    @property
    def path(self):  # type: ignore[no-untyped-def]
        h = self.id.hex
        return settings.FILES_DIR / h[:2] / f"{h}.enc"

    @property
    def context(self) -> bytes:
        return f"yakuba-object:{self.id}".encode()

    @property
    def erased(self) -> bool:
        return self.erased_at is not None
