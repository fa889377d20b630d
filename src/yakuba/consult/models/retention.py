"""Retention and disposal (issue #13 §8): the record that a closed case was erased (its number,
the counts, the signed certificate — never a name), and the retired storage of a machine with
the disposal contractor's own certificate (stored in the vault, verified on recording)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yakuba.accounts.models import Organisation
from yakuba.vault.models import ErasureCertificate, StoredObject


class CaseErasure(models.Model):
    """A closed case erased after its retention period: what is left of it is its number, the
    dates, the counts and the certificate."""

    case_number = models.CharField("ケース番号", max_length=20, unique=True)
    centre = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="センター")
    closed_on = models.DateField("終結日")
    kept_until = models.DateField("保存期間の満了日")
    erased_at = models.DateTimeField("消去日時")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="実施者")
    rows = models.PositiveIntegerField("削除した行数")
    files = models.PositiveIntegerField("消去したファイル数")
    certificate = models.OneToOneField(ErasureCertificate, on_delete=models.PROTECT, related_name="consult_case",
                                       verbose_name="消去証明書")

    class Meta:
        verbose_name = "ケースの消去"
        verbose_name_plural = "ケースの消去"
        ordering = ["-erased_at", "-pk"]

    def __str__(self) -> str:
        return f"消去 {self.case_number}"


class ContractorKey(models.Model):
    """A disposal contractor's Ed25519 public key, registered once; later certificates of that
    contractor are checked against it."""

    contractor = models.CharField("委託業者", max_length=100, unique=True)
    public_key = models.CharField("公開鍵", max_length=100)
    key_id = models.CharField("鍵ID", max_length=16)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name="登録者")
    registered_at = models.DateTimeField("登録日時")

    class Meta:
        verbose_name = "委託業者の公開鍵"
        verbose_name_plural = "委託業者の公開鍵"

    def __str__(self) -> str:
        return f"{self.contractor} ({self.key_id})"


class StorageDisposal(models.Model):
    """The retired storage of a machine: asset, serial, when, which contractor, and the contractor's
    certificate (the file in the vault, its SHA-256 as the contractor stated and as verified)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="組織")
    asset_id = models.CharField("機器の資産番号", max_length=60)
    serial = models.CharField("記憶装置のシリアル番号", max_length=80)
    retired_on = models.DateField("廃棄日")
    contractor = models.CharField("委託業者", max_length=100)
    certificate_file = models.ForeignKey(StoredObject, on_delete=models.PROTECT, related_name="+",
                                         verbose_name="業者の証明書ファイル")
    certificate_name = models.CharField("証明書のファイル名", max_length=200)
    certificate_sha256 = models.CharField("証明書のSHA-256", max_length=64)
    signature_key = models.ForeignKey(ContractorKey, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name="署名を検証した鍵")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="記録者")
    recorded_at = models.DateTimeField("記録日時")

    NOT_PERSONAL = {"contractor": "委託業者(法人)の名称", "serial": "機器のシリアル番号",
                    "certificate_name": "業者の証明書のファイル名"}

    class Meta:
        verbose_name = "記憶装置の廃棄"
        verbose_name_plural = "記憶装置の廃棄"
        ordering = ["-retired_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["asset_id", "serial"], name="consult_disposal_once")]

    def __str__(self) -> str:
        return f"廃棄 {self.asset_id}/{self.serial}"

    @property
    def signed(self) -> bool:
        return self.signature_key_id is not None
