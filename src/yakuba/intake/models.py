from __future__ import annotations

from django.db import models

from yakuba.accounts.models import Organisation
from yakuba.privacy.declarations import Category, Declaration

_PURPOSE = "保育所等の入園申請データの作成(委託業務)"
_RETENTION = "市への納品・受領確認後に消去"


class Application(models.Model):
    """A 保育園入園申請 as the vendor enters it. By design there is no income field here:
    所得割額 is added on the city side only (審議会: 収入情報は委託業務では扱わない)."""

    class Status(models.TextChoices):
        ENTERING = "entering", "入力中"
        CHECKING = "checking", "確認待ち"
        CONFIRMED = "confirmed", "確定"
        DELIVERED = "delivered", "納品済み"

    vendor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications", verbose_name="委託先")
    receipt_number = models.CharField("受付番号", max_length=20, unique=True)
    child_name = models.CharField("児童氏名", max_length=60)
    child_kana = models.CharField("児童氏名(カナ)", max_length=60, blank=True)
    child_birth_date = models.DateField("児童生年月日")
    guardian_name = models.CharField("保護者氏名", max_length=60)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    address = models.CharField("住所", max_length=200)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    need_reason = models.CharField("保育必要事由", max_length=40)
    base_points = models.PositiveSmallIntegerField("基準点", null=True, blank=True)
    wishes = models.JSONField("希望施設", default=list, blank=True)
    status = models.CharField("状態", max_length=12, choices=Status.choices, default=Status.ENTERING)

    PERSONAL_DATA = {
        "child_name": Declaration(Category.NAME, _PURPOSE, _RETENTION),
        "child_kana": Declaration(Category.NAME, _PURPOSE, _RETENTION),
        "child_birth_date": Declaration(Category.BIRTH_DATE, _PURPOSE, _RETENTION),
        "guardian_name": Declaration(Category.NAME, _PURPOSE, _RETENTION),
        "postal_code": Declaration(Category.ADDRESS, _PURPOSE, _RETENTION),
        "address": Declaration(Category.ADDRESS, _PURPOSE, _RETENTION),
        "phone": Declaration(Category.CONTACT, _PURPOSE, _RETENTION),
        "need_reason": Declaration(Category.CIRCUMSTANCES, _PURPOSE, _RETENTION),
        "base_points": Declaration(Category.CIRCUMSTANCES, _PURPOSE, _RETENTION),
        "wishes": Declaration(Category.CIRCUMSTANCES, _PURPOSE, _RETENTION),
    }

    class Meta:
        verbose_name = "入園申請"
        verbose_name_plural = "入園申請"
        ordering = ["receipt_number"]

    def __str__(self) -> str:
        return self.receipt_number  # never a name: str() ends up in logs and admin lists


LIST_FIELDS = ("receipt_number", "child_name", "child_birth_date", "guardian_name", "address", "need_reason", "base_points", "status")
DETAIL_FIELDS = ("receipt_number", "child_name", "child_kana", "child_birth_date", "guardian_name", "postal_code",
                 "address", "phone", "need_reason", "base_points", "wishes", "status")
EDIT_FIELDS = ("child_name", "child_kana", "child_birth_date", "guardian_name", "postal_code", "address", "phone",
               "need_reason", "base_points")
