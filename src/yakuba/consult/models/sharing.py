"""Working with agencies on a legal basis (issue #13 §2): consents, 支援会議, disclosures, requests.

- ``Agency``: which kind of 関係機関 an Organisation of kind "agency" is (地域包括支援センター, …).
- ``Consent`` (同意): the person's consent for a case — which agencies or kinds, which field
  groups, for what purpose, recorded how; revocable. A revoked one covers no further share.
- ``SupportMeeting`` (支援会議, 社会福祉法第106条の6) with its ``MeetingMember``s (each bound to
  secrecy, acknowledged): sharing without consent, among its members only, for the cases on it.
- ``Disclosure`` (提供・受領の記録): one piece of information to (out) or from (in) an agency, its
  legal basis, the chosen fields only (``sharing_rules.SHAREABLE``) as they were when shared, and
  how it went: a view limited in time, or a signed file through the export step.
- ``InformationRequest`` (照会): asked of or by an agency, tracked to the answer.

str() is an id, never a name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from yakuba.accounts.models import Organisation
from yakuba.consult.models.cases import PURPOSE, RETENTION, Case, Person
from yakuba.consult.sharing_rules import AGENCY_KINDS, CONSENT_METHODS, STATUTES
from yakuba.privacy.declarations import Category, Declaration

SHARING_PURPOSE = "関係機関との連携による相談支援(本人の同意、支援会議(社会福祉法第106条の6)又は法令に基づく提供)"


class Agency(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="consult_agency",
                                        verbose_name="組織")
    agency_kind = models.CharField("関係機関の種類", max_length=20, choices=list(AGENCY_KINDS.items()))

    class Meta:
        verbose_name = "関係機関"
        verbose_name_plural = "関係機関"

    def __str__(self) -> str:
        return f"関係機関 {self.organisation_id}"


def agency_kind_of(org: Organisation) -> str:
    agency = Agency.objects.filter(organisation=org).first()
    return agency.agency_kind if agency else "other"


class Consent(models.Model):
    class Method(models.TextChoices):
        WRITTEN = "written", CONSENT_METHODS["written"]
        ORAL = "oral", CONSENT_METHODS["oral"]
        ELECTRONIC = "electronic", CONSENT_METHODS["electronic"]

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents", verbose_name="ケース")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents", verbose_name="同意した人")
    agencies = models.ManyToManyField(Organisation, blank=True, related_name="+", verbose_name="提供先の機関")
    agency_kinds = models.JSONField("提供先の機関の種類", default=list, blank=True)
    groups = models.JSONField("提供する情報の範囲", default=list)
    purpose = models.CharField("利用目的", max_length=200)
    method = models.CharField("同意の方法", max_length=20, choices=Method.choices)
    given_at = models.DateTimeField("同意の日時")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="記録者")
    recorded_at = models.DateTimeField("記録日時", default=timezone.now)
    revoked_at = models.DateTimeField("撤回日時", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="撤回の記録者")
    revoke_reason = models.CharField("撤回の理由", max_length=200, blank=True)

    NOT_PERSONAL = {"person": "相談者への参照(番号)", "purpose": "利用目的(定型の文)",
                    "revoke_reason": "撤回の事情(定型の文; 本人の言葉は相談記録に書く)"}

    class Meta:
        verbose_name = "同意"
        verbose_name_plural = "同意"
        ordering = ["-given_at", "-pk"]

    def __str__(self) -> str:
        return f"同意 {self.pk}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class SupportMeeting(models.Model):
    convened_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="招集した市の部署")
    held_on = models.DateField("開催日")
    cases = models.ManyToManyField(Case, related_name="meetings", verbose_name="検討したケース")
    agenda = models.TextField("議題")
    conclusions = models.TextField("結論", blank=True)
    minutes = models.TextField("議事録", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="記録者")
    created_at = models.DateTimeField("記録日時", default=timezone.now)

    PERSONAL_DATA = {
        "agenda": Declaration(Category.SENSITIVE, SHARING_PURPOSE, RETENTION),
        "conclusions": Declaration(Category.SENSITIVE, SHARING_PURPOSE, RETENTION),
        "minutes": Declaration(Category.SENSITIVE, SHARING_PURPOSE, RETENTION),
    }

    class Meta:
        verbose_name = "支援会議"
        verbose_name_plural = "支援会議"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"支援会議 {self.pk}"


class MeetingMember(models.Model):
    """A member organisation of a 支援会議; its secrecy obligation (守秘義務, 社会福祉法第106条の6第5項)
    acknowledged before anything is shared with it."""

    meeting = models.ForeignKey(SupportMeeting, on_delete=models.CASCADE, related_name="members",
                                verbose_name="支援会議")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="構成員")
    secrecy_acknowledged_at = models.DateTimeField("守秘義務の確認日時")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="記録者")

    class Meta:
        verbose_name = "支援会議の構成員"
        verbose_name_plural = "支援会議の構成員"
        constraints = [models.UniqueConstraint(fields=["meeting", "organisation"], name="consult_member_once")]
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"構成員 {self.pk}"


class Disclosure(models.Model):
    class Direction(models.TextChoices):
        OUT = "out", "提供(センターから機関へ)"
        IN = "in", "受領(機関からセンターへ)"

    class Basis(models.TextChoices):
        CONSENT = "consent", "本人の同意"
        MEETING = "meeting", "支援会議(社会福祉法第106条の6)"
        STATUTE = "statute", "その他の法令"

    class Form(models.TextChoices):
        VIEW = "view", "期限付きの閲覧"
        PACKAGE = "package", "署名付きファイル(出力の手続)"
        RECEIVED = "received", "受領"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disclosures", verbose_name="ケース")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="機関")
    direction = models.CharField("方向", max_length=4, choices=Direction.choices)
    basis = models.CharField("法的根拠", max_length=10, choices=Basis.choices)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures",
                                verbose_name="同意")
    meeting = models.ForeignKey(SupportMeeting, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="disclosures", verbose_name="支援会議")
    statute = models.CharField("根拠法令", max_length=40, blank=True, choices=list(STATUTES.items()))
    fields = models.JSONField("提供する項目", default=list, blank=True)
    content = models.JSONField("提供した内容", default=dict, blank=True)
    received_summary = models.TextField("受領した内容", blank=True)
    form = models.CharField("提供の方法", max_length=10, choices=Form.choices)
    expires_at = models.DateTimeField("閲覧期限", null=True, blank=True)
    revoked_at = models.DateTimeField("取消日時", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="取消者")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="記録者")
    created_at = models.DateTimeField("記録日時", default=timezone.now)

    PERSONAL_DATA = {
        # the snapshot of the chosen fields: shown only item by item, each with its own category
        "content": Declaration(Category.SENSITIVE, SHARING_PURPOSE, RETENTION),
        "received_summary": Declaration(Category.SENSITIVE, SHARING_PURPOSE, RETENTION),
    }

    class Meta:
        verbose_name = "提供・受領の記録"
        verbose_name_plural = "提供・受領の記録"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"提供 {self.pk}"

    def is_open(self, now: object = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)  # type: ignore[operator]


class InformationRequest(models.Model):
    class Direction(models.TextChoices):
        TO_AGENCY = "to_agency", "センターから機関への照会"
        FROM_AGENCY = "from_agency", "機関からセンターへの照会"

    class Status(models.TextChoices):
        OPEN = "open", "回答待ち"
        ANSWERED = "answered", "回答済み"
        WITHDRAWN = "withdrawn", "取り下げ"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="information_requests",
                             verbose_name="ケース")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="機関")
    direction = models.CharField("方向", max_length=12, choices=Direction.choices)
    subject = models.TextField("照会の内容")
    due_on = models.DateField("回答期限")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField("回答", blank=True)
    answered_at = models.DateTimeField("回答日時", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="記録者")
    created_at = models.DateTimeField("記録日時", default=timezone.now)

    PERSONAL_DATA = {
        "subject": Declaration(Category.SENSITIVE, SHARING_PURPOSE, RETENTION),
        "answer": Declaration(Category.SENSITIVE, SHARING_PURPOSE, RETENTION),
    }

    class Meta:
        verbose_name = "照会"
        verbose_name_plural = "照会"
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"照会 {self.pk}"
