"""Attachments of a case (§4): documents (PDF), audio, images, each encrypted in the vault with its
own data key (``vault.service.store``, batch ``consult-case:<case pk>`` — the retention step erases
a case's files by that batch). The row holds what the file is (decided from its content), what it
claims (pages, pixels, duration) and who added it; never its bytes. The title is free text of the
worker and may name the person: SENSITIVE.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from yakuba.consult.models.cases import PURPOSE, RETENTION, Case
from yakuba.privacy.declarations import Category, Declaration


def case_batch(case_pk: int) -> str:
    """The vault batch of a case's files (retention erases by it; keep exactly this form)."""
    return f"consult-case:{case_pk}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "文書(PDF)"
        AUDIO = "audio", "音声"
        IMAGE = "image", "画像"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name="ケース")
    kind = models.CharField("種類", max_length=10, choices=Kind.choices)
    format = models.CharField("形式", max_length=10)
    content_type = models.CharField("MIMEタイプ", max_length=40)
    title = models.CharField("表題", max_length=100)
    health = models.BooleanField("要配慮(心身の状況・障がい)", default=False)
    stored = models.OneToOneField("vault.StoredObject", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="暗号化ファイル")
    size = models.BigIntegerField("サイズ")
    pages = models.PositiveIntegerField("ページ数", null=True, blank=True)
    width = models.PositiveIntegerField("幅(ピクセル)", null=True, blank=True)
    height = models.PositiveIntegerField("高さ(ピクセル)", null=True, blank=True)
    seconds = models.FloatField("長さ(秒)", null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="登録者")
    uploaded_at = models.DateTimeField("登録日時", default=timezone.now)

    PERSONAL_DATA = {"title": Declaration(Category.SENSITIVE, PURPOSE, RETENTION)}
    NOT_PERSONAL = {"health": "内容に心身の状況が含まれるかの印(内容そのものではない。閲覧は担当者に限られる)",
                    "stored": "暗号化ファイルへの参照(内容は保管庫で暗号化され、閲覧はすべて記録される)"}

    class Meta:
        verbose_name = "添付ファイル"
        verbose_name_plural = "添付ファイル"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"添付 {self.pk}"

    @property
    def categories(self) -> list[str]:
        """The categories of the file's content: 要配慮 (SENSITIVE), and HEALTH when so marked."""
        return sorted({Category.SENSITIVE.value} | ({Category.HEALTH.value} if self.health else set()))

    @property
    def pixels(self) -> int | None:
        return self.width * self.height if self.width and self.height else None
