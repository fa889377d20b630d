from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from yakuba.accounts.roles import Role
from yakuba.privacy.declarations import Category, Declaration


class Organisation(models.Model):
    """A city department (市の部署), a vendor (委託先) or the council secretariat (審議会事務局)."""

    class Kind(models.TextChoices):
        CITY_DEPARTMENT = "city_department", "市の部署"
        VENDOR = "vendor", "委託先"
        COUNCIL = "council", "審議会事務局"

    code = models.SlugField("組織コード", max_length=40, unique=True)
    name = models.CharField("組織名", max_length=100)
    kind = models.CharField("種別", max_length=20, choices=Kind.choices)
    public_key = models.TextField(
        "署名検証用公開鍵", blank=True, help_text="受け渡しパッケージの署名を検証する Ed25519 公開鍵 (ed25519:…)"
    )
    age_recipient = models.CharField(
        "暗号化の宛先", max_length=200, blank=True, help_text="受け渡しパッケージを暗号化する age の宛先 (age1…)"
    )

    NOT_PERSONAL = {"name": "組織の名称であり個人の情報ではない", "age_recipient": "組織の暗号化用公開鍵(年齢ではない)"}

    class Meta:
        verbose_name = "組織"
        verbose_name_plural = "組織"
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: municipal staff, vendor staff, council members, administrators."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name="所属"
    )
    role = models.CharField("役割", max_length=30, choices=Role.choices)

    PERSONAL_DATA = {
        "first_name": Declaration(Category.NAME, "利用者の識別と操作記録", "異動・退職後5年"),
        "last_name": Declaration(Category.NAME, "利用者の識別と操作記録", "異動・退職後5年"),
        "email": Declaration(Category.CONTACT, "利用者への連絡", "異動・退職後5年"),
    }
    NOT_PERSONAL = {"username": "職員のログインIDであり住民の情報ではない(監査ログはIDで記録)"}

    class Meta:
        verbose_name = "利用者"
        verbose_name_plural = "利用者"
