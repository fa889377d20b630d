"""上下水道料金の口座振替: customers, mandates, bills, debit runs, their files and items, notices.

str() of every model is an id or a number, never a name (it ends up in logs and admin lists).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from yakuba.debit import codes
from yakuba.privacy.declarations import Category, Declaration
from yakuba.vault.models import StoredObject

_PURPOSE = "上下水道料金の賦課・徴収(口座振替)"
_RETENTION = "給水契約の終了後5年"
_ACCOUNT_RETENTION = "口座振替の廃止後5年"


class Customer(models.Model):
    """A water customer (使用者): the person who pays the bills of one supply point."""

    number = models.CharField("使用者番号", max_length=20, unique=True)
    name = models.CharField("氏名", max_length=60)
    name_kana = models.CharField("氏名(カナ)", max_length=60)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    address = models.CharField("住所", max_length=200)
    phone = models.CharField("電話番号", max_length=20, blank=True)

    PERSONAL_DATA = {
        "number": Declaration(Category.IDENTIFIER, _PURPOSE, _RETENTION),
        "name": Declaration(Category.NAME, _PURPOSE, _RETENTION),
        "name_kana": Declaration(Category.NAME, _PURPOSE, _RETENTION),
        "postal_code": Declaration(Category.ADDRESS, _PURPOSE, _RETENTION),
        "address": Declaration(Category.ADDRESS, _PURPOSE, _RETENTION),
        "phone": Declaration(Category.CONTACT, _PURPOSE, _RETENTION),
    }

    class Meta:
        verbose_name = "使用者"
        verbose_name_plural = "使用者"
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number

    @property
    def mandate(self) -> "Mandate | None":
        return self.mandates.order_by("-received_on", "-pk").first()


class Mandate(models.Model):
    """口座振替依頼書: the customer's authorisation to debit an account."""

    class Status(models.TextChoices):
        ACTIVE = "active", "振替中"
        NEEDS_NEW_FORM = "needs_new_form", "依頼書の再提出待ち"
        STOPPED = "stopped", "停止"

    class AccountType(models.TextChoices):
        ORDINARY = "1", "普通"
        CURRENT = "2", "当座"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="mandates", verbose_name="使用者")
    bank_code = models.CharField("金融機関コード", max_length=4)
    branch_code = models.CharField("支店コード", max_length=3)
    account_type = models.CharField("預金種目", max_length=1, choices=AccountType.choices, default=AccountType.ORDINARY)
    account_number = models.CharField("口座番号", max_length=7)
    holder_kana = models.CharField("口座名義(全銀カナ)", max_length=30)
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    first_debit = models.BooleanField("初回振替(新規コード1)", default=True)
    received_on = models.DateField("依頼書受付日")
    stopped_on = models.DateField("停止日", null=True, blank=True)

    PERSONAL_DATA = {
        "account_number": Declaration(Category.BANK_ACCOUNT, _PURPOSE, _ACCOUNT_RETENTION),
        "holder_kana": Declaration(Category.NAME, _PURPOSE, _ACCOUNT_RETENTION),
    }
    NOT_PERSONAL = {"account_type": "預金種目(普通・当座)の区分であり、単独では個人を識別しない"}

    class Meta:
        verbose_name = "口座振替依頼"
        verbose_name_plural = "口座振替依頼"
        ordering = ["customer__number", "-received_on"]

    def __str__(self) -> str:
        return f"依頼 {self.pk}"


class Bill(models.Model):
    """上下水道料金: one period's charge of one customer."""

    class Status(models.TextChoices):
        UNPAID = "unpaid", "未納"
        PAID = "paid", "収納済み"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="bills", verbose_name="使用者")
    period = models.CharField("調定年月", max_length=7, help_text="YYYY-MM")
    amount = models.PositiveIntegerField("金額")
    due_date = models.DateField("納期限")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.UNPAID)
    paid_on = models.DateField("収納日", null=True, blank=True)
    paid_by = models.ForeignKey("DebitRun", null=True, blank=True, on_delete=models.PROTECT, related_name="paid_bills",
                                verbose_name="収納した振替")
    paid_manually_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name="窓口収納の入力者")

    class Meta:
        verbose_name = "料金"
        verbose_name_plural = "料金"
        ordering = ["customer__number", "period"]
        constraints = [models.UniqueConstraint(fields=["customer", "period"], name="debit_bill_one_per_period")]

    def __str__(self) -> str:
        return f"料金 {self.pk}"

    @property
    def period_label(self) -> str:
        year, month = self.period.split("-")
        return f"{int(year)}年{int(month)}月分"


class DebitRun(models.Model):
    """One debit (振替): all the files of one 引落日, sent together and reconciled together."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "本振替"
        RETRY = "retry", "再振替"

    class Status(models.TextChoices):
        BUILT = "built", "作成済み(未送信)"
        SENT = "sent", "送信済み(結果待ち)"
        RECONCILED = "reconciled", "消込済み"

    OPEN = (Status.BUILT, Status.SENT)
    NOT_PERSONAL = {"parent": "元の振替(再振替の親)への参照であり、保護者の情報ではない"}

    kind = models.CharField("種類", max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    debit_date = models.DateField("引落日")
    requested_date = models.DateField("指定された日")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="retries",
                               verbose_name="元の振替")
    status = models.CharField("状態", max_length=12, choices=Status.choices, default=Status.BUILT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="作成者")
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    sent_at = models.DateTimeField("送信日時", null=True, blank=True)
    reconciled_at = models.DateTimeField("消込日時", null=True, blank=True)

    class Meta:
        verbose_name = "口座振替"
        verbose_name_plural = "口座振替"
        ordering = ["-debit_date", "-pk"]

    def __str__(self) -> str:
        return f"振替 {self.pk}"

    def totals(self) -> dict[str, int]:
        agg = self.items.aggregate(count=models.Count("pk"), amount=models.Sum("amount"))
        done = self.items.filter(result_code="0").aggregate(count=models.Count("pk"), amount=models.Sum("amount"))
        failed = self.items.exclude(result_code__in=["", "0"]).aggregate(count=models.Count("pk"),
                                                                        amount=models.Sum("amount"))
        return {"count": agg["count"] or 0, "amount": agg["amount"] or 0,
                "transferred_count": done["count"] or 0, "transferred_amount": done["amount"] or 0,
                "failed_count": failed["count"] or 0, "failed_amount": failed["amount"] or 0}


class DebitFile(models.Model):
    """One kind-91 request file (one bank), its transmission and its result file."""

    run = models.ForeignKey(DebitRun, on_delete=models.PROTECT, related_name="files", verbose_name="振替")
    bank_code = models.CharField("金融機関コード", max_length=4)
    name = models.CharField("ファイル名", max_length=100)
    request = models.ForeignKey(StoredObject, on_delete=models.PROTECT, related_name="+", verbose_name="依頼データ")
    sha256 = models.CharField("依頼データのSHA-256", max_length=64)
    record_count = models.PositiveIntegerField("件数")
    total_amount = models.PositiveBigIntegerField("金額")
    upload_id = models.CharField("送信ID", max_length=64, blank=True)
    sent_at = models.DateTimeField("送信日時", null=True, blank=True)
    result = models.ForeignKey(StoredObject, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="結果データ")
    result_sha256 = models.CharField("結果データのSHA-256", max_length=64, blank=True)
    received_at = models.DateTimeField("受信日時", null=True, blank=True)
    transferred_count = models.PositiveIntegerField("振替済み件数", default=0)
    transferred_amount = models.PositiveBigIntegerField("振替済み金額", default=0)
    failed_count = models.PositiveIntegerField("振替不能件数", default=0)
    failed_amount = models.PositiveBigIntegerField("振替不能金額", default=0)
    reconciled_at = models.DateTimeField("消込日時", null=True, blank=True)

    NOT_PERSONAL = {"name": "ファイル名(振替番号・引落日・金融機関コード)であり、氏名ではない"}

    class Meta:
        verbose_name = "振替データ"
        verbose_name_plural = "振替データ"
        ordering = ["run", "bank_code"]
        constraints = [models.UniqueConstraint(fields=["run", "bank_code"], name="debit_file_one_per_bank")]

    def __str__(self) -> str:
        return self.name


class DebitItem(models.Model):
    """One debit of one bill in one file (one data record)."""

    run = models.ForeignKey(DebitRun, on_delete=models.PROTECT, related_name="items", verbose_name="振替")
    file = models.ForeignKey(DebitFile, on_delete=models.PROTECT, related_name="items", verbose_name="振替データ")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="items", verbose_name="料金")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="items", verbose_name="口座振替依頼")
    customer_number = models.CharField("使用者番号", max_length=20)
    amount = models.PositiveIntegerField("金額")
    position = models.PositiveIntegerField("レコード位置", help_text="ファイル内のデータ・レコードの順番(1から)")
    new_code = models.CharField("新規コード", max_length=1, default="0")
    result_code = models.CharField("振替結果コード", max_length=1, blank=True)
    double_payment = models.BooleanField("二重収納(還付が必要)", default=False)

    PERSONAL_DATA = {"customer_number": Declaration(Category.IDENTIFIER, _PURPOSE, _RETENTION)}

    class Meta:
        verbose_name = "振替明細"
        verbose_name_plural = "振替明細"
        ordering = ["file", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "bill"], name="debit_item_bill_once_per_run")]

    def __str__(self) -> str:
        return f"明細 {self.pk}"

    @property
    def result_label(self) -> str:
        return codes.label(self.result_code) if self.result_code else "結果待ち"


class NewFormRequest(models.Model):
    """依頼書の再提出: a result code 2, 3 or 4 means the customer must send a new 口座振替依頼書."""

    class Status(models.TextChoices):
        OPEN = "open", "未送付"
        SENT = "sent", "依頼書を送付済み"

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="new_form_requests", verbose_name="口座振替依頼")
    item = models.OneToOneField(DebitItem, on_delete=models.PROTECT, related_name="new_form_request", verbose_name="振替明細")
    result_code = models.CharField("振替結果コード", max_length=1)
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField("登録日時", default=timezone.now)
    done_at = models.DateTimeField("送付日時", null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="送付の入力者")

    class Meta:
        verbose_name = "依頼書の再提出依頼"
        verbose_name_plural = "依頼書の再提出依頼"
        ordering = ["status", "created_at", "pk"]

    def __str__(self) -> str:
        return f"再提出 {self.pk}"


class FailureNotice(models.Model):
    """口座振替不能のお知らせ: the letter for a failed item (with a payment slip's data).

    `suppressed`: no letter is sent, because the city stopped the debit on purpose (code 8 after
    the mandate was stopped)."""

    item = models.OneToOneField(DebitItem, on_delete=models.PROTECT, related_name="notice", verbose_name="振替明細")
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    notice_date = models.DateField("通知日")
    payment_due = models.DateField("納付書の納期限")
    payment_number = models.CharField("納付番号", max_length=24)
    suppressed = models.BooleanField("通知しない(市による停止)", default=False)
    pdf = models.ForeignKey(StoredObject, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                            verbose_name="通知書PDF")
    printed_at = models.DateTimeField("印刷日時", null=True, blank=True)

    class Meta:
        verbose_name = "口座振替不能通知"
        verbose_name_plural = "口座振替不能通知"
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"不能通知 {self.pk}"


class JournalBatch(models.Model):
    """One day's journal line set handed to the 財務会計 system (yakuba.debit.journal): its batch id is the
    hash of its source, so the same source is posted once."""

    batch = models.CharField("バッチID", max_length=20, unique=True)
    kind = models.CharField("区分", max_length=4)  # 調定 / 収納
    day = models.DateField("伝票日付")
    month = models.CharField("対象月", max_length=7)
    total = models.PositiveBigIntegerField("金額(借方計)")
    lines = models.PositiveSmallIntegerField("行数")
    posted_at = models.DateTimeField("作成日時", default=timezone.now)

    class Meta:
        verbose_name = "仕訳バッチ"
        verbose_name_plural = "仕訳バッチ"
        ordering = ["day", "kind"]

    def __str__(self) -> str:
        return f"仕訳 {self.batch}"
