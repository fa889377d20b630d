"""The vendor's AI-OCR intake: batches of scans, their pages, each field's reading, the records.

    Batch ─┬─ Scan (an uploaded file, kept only encrypted in the vault)
           └─ Page (one page of a scan: its reading, the aligned page image in the vault)
                ├─ FieldValue (one form field: value, confidence, accepted/review/verified)
                └─ Application (the finished record with its 基準点, delivered to the city)

By design there is no income field anywhere here: 所得割額 is added on the city side only
(審議会: 収入情報は委託業務では扱わない). str() of every model is a number, never a name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from yakuba.accounts.models import Organisation
from yakuba.privacy.declarations import Category, Declaration
from yakuba.vault.models import ErasureCertificate, StoredObject

_PURPOSE = "保育所等の入園申請データの作成(委託業務)"
_RETENTION = "市への納品・受領確認後に消去"
_FILE_PURPOSE = "スキャンしたファイルと読み取り結果の照合(委託業務)"


class Batch(models.Model):
    """A バッチ (便): the scans the vendor received together, read, verified and delivered together."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "登録済み"
        READING = "reading", "読み取り中"
        VERIFYING = "verifying", "確認中"
        READY = "ready", "納品可能"
        DELIVERED = "delivered", "納品済み(受領待ち)"
        ERASED = "erased", "受領確認・消去済み"

    vendor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="intake_batches", verbose_name="委託先")
    name = models.CharField("バッチ名", max_length=60)
    status = models.CharField("状態", max_length=12, choices=Status.choices, default=Status.UPLOADED)
    scan_count = models.PositiveIntegerField("ファイル数", default=0)
    page_count = models.PositiveIntegerField("ページ数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="登録者")
    created_at = models.DateTimeField("登録日時", default=timezone.now)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="読み取り処理")
    read_at = models.DateTimeField("読み取り完了日時", null=True, blank=True)
    recipient = models.CharField("納品先", max_length=40, blank=True)
    package_id = models.UUIDField("納品パッケージID", null=True, blank=True)
    package_file = models.ForeignKey(StoredObject, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="納品パッケージ")
    delivered_at = models.DateTimeField("納品日時", null=True, blank=True)
    receipt_at = models.DateTimeField("受領確認日時", null=True, blank=True)
    erased_at = models.DateTimeField("消去日時", null=True, blank=True)
    certificate = models.ForeignKey(ErasureCertificate, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="消去証明書")

    NOT_PERSONAL = {"name": "バッチ(便)の名称であり個人の情報ではない(例: R8-第1便)"}

    class Meta:
        verbose_name = "読み取りバッチ"
        verbose_name_plural = "読み取りバッチ"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"B{self.pk:04d}" if self.pk else "B----"

    @property
    def vault_tag(self) -> str:
        """The vault's `batch` of every file of this batch: what erasure takes."""
        return f"intake-{self.code}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DELIVERED, self.Status.ERASED)


class Scan(models.Model):
    """One uploaded file (PNG, JPEG, TIFF or PDF), stored only encrypted in the vault."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="scans", verbose_name="バッチ")
    seq = models.PositiveIntegerField("番号")
    file_name = models.CharField("ファイル名", max_length=200)
    stored = models.ForeignKey(StoredObject, on_delete=models.PROTECT, related_name="+", verbose_name="暗号化ファイル")
    page_count = models.PositiveIntegerField("ページ数", default=1)
    read_at = models.DateTimeField("読み取り日時", null=True, blank=True)

    PERSONAL_DATA = {
        # A scanner names its files by number; a person may not. Shown only to those who see names.
        "file_name": Declaration(Category.NAME, _FILE_PURPOSE, _RETENTION),
    }

    class Meta:
        verbose_name = "スキャンファイル"
        verbose_name_plural = "スキャンファイル"
        ordering = ["batch", "seq"]
        constraints = [models.UniqueConstraint(fields=["batch", "seq"], name="one_scan_number_per_batch")]

    def __str__(self) -> str:
        return f"{self.batch_id}-{self.seq}"


class Page(models.Model):
    """One page of a scan: read, its fields verified, then a finished record (Application)."""

    class Status(models.TextChoices):
        REVIEW = "review", "確認待ちの欄あり"
        COMPLETE = "complete", "完了"
        FAILED = "failed", "読み取り不可"
        EXCLUDED = "excluded", "除外"

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="pages", verbose_name="バッチ")
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="pages", verbose_name="ファイル")
    seq = models.PositiveIntegerField("ページ番号")
    name = models.CharField("ページ名", max_length=220)
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.REVIEW)
    error = models.CharField("読み取れない理由", max_length=300, blank=True)
    image = models.ForeignKey(StoredObject, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name="様式に合わせたページ画像")
    redacted = models.ForeignKey(StoredObject, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="個人を特定する欄を塗りつぶしたページ画像")
    seconds = models.FloatField("読み取り時間(秒)", default=0.0)
    read_at = models.DateTimeField("読み取り日時", default=timezone.now)
    excluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    excluded_at = models.DateTimeField("除外日時", null=True, blank=True)

    PERSONAL_DATA = {
        "name": Declaration(Category.NAME, _FILE_PURPOSE, _RETENTION),  # the scan's file name, #n
    }

    class Meta:
        verbose_name = "読み取りページ"
        verbose_name_plural = "読み取りページ"
        ordering = ["batch", "seq"]
        constraints = [models.UniqueConstraint(fields=["batch", "seq"], name="one_page_number_per_batch")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """What every role may see: the batch and the page's number, never the file name."""
        return f"B{self.batch_id:04d}-{self.seq:04d}"


class FieldValue(models.Model):
    """One field of one page: the reading, and the person's verification.

    `value`, `ocr_value` and `reason` of a personal field (``personal``, from the form template)
    reach only the vendor's 責任者; `yakuba.intake.fields.may_see` is the rule.
    """

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "自動確定"
        REVIEW = "review", "確認待ち"
        VERIFIED = "verified", "確認済み"

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="fields", verbose_name="ページ")
    field_id = models.CharField("欄ID", max_length=60)
    position = models.PositiveSmallIntegerField("様式上の順番", default=0)
    type = models.CharField("型", max_length=12)
    personal = models.BooleanField("個人を特定する欄", default=False)
    category = models.CharField("個人情報の区分", max_length=20, blank=True)
    value = models.TextField("値", blank=True)
    ocr_value = models.TextField("読み取った値", blank=True)
    confidence = models.FloatField("確信度", default=0.0)
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.REVIEW)
    reason = models.CharField("確認の理由", max_length=300, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="確認者")
    verified_at = models.DateTimeField("確認日時", null=True, blank=True)

    PERSONAL_DATA = {
        # One column for every field of the form, so declared with its most sensitive category;
        # each row's own category is `category` (what the audit entries name).
        "value": Declaration(Category.NAME, _PURPOSE, _RETENTION),
        "ocr_value": Declaration(Category.NAME, _PURPOSE, _RETENTION),
    }

    class Meta:
        verbose_name = "読み取り欄"
        verbose_name_plural = "読み取り欄"
        ordering = ["page", "position"]
        constraints = [models.UniqueConstraint(fields=["page", "field_id"], name="one_value_per_field_and_page")]
        indexes = [models.Index(fields=["status", "personal"], name="intake_fv_queue")]

    def __str__(self) -> str:
        return f"{self.page_id}:{self.field_id}"

    @property
    def label(self) -> str:
        from yakuba.intake.fields import by_id

        f = by_id().get(self.field_id)
        return f.label if f else self.field_id

    @property
    def done(self) -> bool:
        return self.status != self.Status.REVIEW


class Application(models.Model):
    """A 保育園入園申請 as the vendor delivers it: the finished record of one page.

    `values` holds every field of the form in its canonical form, keyed by the template's field ids
    (the delivery record, ``docs/formats/intake-delivery.md``); the other columns are what lists
    and exports show. By design there is no income field here: 所得割額 is added on the city side
    only (審議会: 収入情報は委託業務では扱わない).
    """

    class Status(models.TextChoices):
        ENTERING = "entering", "入力中"
        CHECKING = "checking", "確認待ち"
        CONFIRMED = "confirmed", "確定"
        DELIVERED = "delivered", "納品済み"

    vendor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications", verbose_name="委託先")
    batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.CASCADE, related_name="applications", verbose_name="バッチ")
    page = models.OneToOneField(Page, null=True, blank=True, on_delete=models.CASCADE, related_name="application", verbose_name="ページ")
    receipt_number = models.CharField("受付番号", max_length=20, unique=True)
    child_name = models.CharField("児童氏名", max_length=60)
    child_kana = models.CharField("児童氏名(カナ)", max_length=60, blank=True)
    child_birth_date = models.DateField("児童生年月日", null=True, blank=True)
    guardian_name = models.CharField("保護者氏名", max_length=60)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    address = models.CharField("住所", max_length=200)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    need_reason = models.CharField("保育必要事由", max_length=40)
    base_points = models.PositiveSmallIntegerField("基準点", null=True, blank=True)
    points_lines = models.JSONField("基準点の内訳", default=list, blank=True)
    points_problems = models.JSONField("基準点の要確認事項", default=list, blank=True)
    wishes = models.JSONField("希望施設", default=list, blank=True)
    values = models.JSONField("申請書の全項目", default=dict, blank=True)
    status = models.CharField("状態", max_length=12, choices=Status.choices, default=Status.ENTERING)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="確定者")
    confirmed_at = models.DateTimeField("確定日時", null=True, blank=True)

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
        "points_lines": Declaration(Category.CIRCUMSTANCES, _PURPOSE, _RETENTION),
        "points_problems": Declaration(Category.CIRCUMSTANCES, _PURPOSE, _RETENTION),
        "wishes": Declaration(Category.CIRCUMSTANCES, _PURPOSE, _RETENTION),
        "values": Declaration(Category.NAME, _PURPOSE, _RETENTION),  # every field, names included
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
POINTS_FIELDS = ("base_points", "points_lines", "points_problems")
EDIT_FIELDS = ("child_name", "child_kana", "child_birth_date", "guardian_name", "postal_code", "address", "phone",
               "need_reason", "base_points")
