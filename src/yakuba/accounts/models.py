from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from yakuba.accounts.roles import Role
from yakuba.privacy.declarations import Category, Declaration


class Organisation(models.Model):
    """A city department (市の部署), a vendor (委託先), the council secretariat (審議会事務局), the
    基幹福祉相談センター (center, outsourced by the city) or an outside support agency (関係機関)."""

    class Kind(models.TextChoices):
        CITY_DEPARTMENT = "city_department", "市の部署"
        VENDOR = "vendor", "委託先"
        COUNCIL = "council", "審議会事務局"
        CENTER = "center", "基幹福祉相談センター"
        AGENCY = "agency", "関係機関"

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


class RoleGrant(models.Model):
    """A role (and organisation) asked for a user, in force only once a second person approves it.

    Until then the user keeps its previous role and organisation (a new user has none and cannot
    sign in). Asked for wherever a user is saved (yakuba.accounts.grants); decided on the grants
    screen (yakuba.accounts.actions.grants) by a second administrator or the organisation's
    supervisor, never by the one who asked.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "承認待ち"
        APPROVED = "approved", "承認済み"
        REFUSED = "refused", "却下"
        WITHDRAWN = "withdrawn", "取り下げ(新しい申請に置き換え)"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants", verbose_name="利用者")
    role = models.CharField("申請された役割", max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="申請された所属")
    previous_role = models.CharField("それまでの役割", max_length=30, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name="申請者")
    requested_at = models.DateTimeField("申請日時", auto_now_add=True)
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name="決定者")
    decided_at = models.DateTimeField("決定日時", null=True, blank=True)

    class Meta:
        verbose_name = "役割の付与申請"
        verbose_name_plural = "役割の付与申請"
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.role} ({self.get_status_display()})"
