"""保育所等の利用調整 at the city: residents, applications, rounds, facilities, results.

str() of every model is an id or a number, never a name (it ends up in logs and admin lists).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Min, Q
from django.utils import timezone

from yakuba.privacy.declarations import Category, Declaration

_PURPOSE = "保育所等の利用調整(入園審査)と結果の通知"
_RETENTION = "入園決定の翌年度末まで"
_RESIDENT_PURPOSE = "利用申込と住民記録(宛名)との照合"
_RESIDENT_RETENTION = "照合に用いた年度の翌年度末まで(住民記録の写し)"


class Resident(models.Model):
    """住民記録 (宛名) as the city's core system gives it: one person with a 宛名番号."""

    atena_number = models.CharField("宛名番号", max_length=20, unique=True)
    name = models.CharField("氏名", max_length=60)
    kana = models.CharField("氏名(カナ)", max_length=60, blank=True)
    birth_date = models.DateField("生年月日", null=True, blank=True)
    address = models.CharField("住所", max_length=200, blank=True)
    income_tax_amount = models.PositiveIntegerField("所得割額", null=True, blank=True)
    income_year = models.PositiveIntegerField("所得割額の年度", null=True, blank=True)

    PERSONAL_DATA = {
        "atena_number": Declaration(Category.IDENTIFIER, _RESIDENT_PURPOSE, _RESIDENT_RETENTION),
        "name": Declaration(Category.NAME, _RESIDENT_PURPOSE, _RESIDENT_RETENTION),
        "kana": Declaration(Category.NAME, _RESIDENT_PURPOSE, _RESIDENT_RETENTION),
        "birth_date": Declaration(Category.BIRTH_DATE, _RESIDENT_PURPOSE, _RESIDENT_RETENTION),
        "address": Declaration(Category.ADDRESS, _RESIDENT_PURPOSE, _RESIDENT_RETENTION),
        "income_tax_amount": Declaration(Category.INCOME, "利用調整の調整点・同点時の順位(所得割額)", _RESIDENT_RETENTION),
    }
    NOT_PERSONAL = {"income_year": "所得割額の課税年度であり、金額ではない"}

    class Meta:
        verbose_name = "住民記録(宛名)"
        verbose_name_plural = "住民記録(宛名)"
        ordering = ["atena_number"]

    def __str__(self) -> str:
        return f"宛名 {self.pk}"


class Delivery(models.Model):
    """A vendor's delivery package imported here, with the signed receipt to send back."""

    package_id = models.UUIDField("パッケージID", unique=True)
    sender = models.CharField("送付元", max_length=40)
    batch = models.CharField("バッチ", max_length=20)
    name = models.CharField("便の名称", max_length=100, blank=True)
    records = models.PositiveIntegerField("件数", default=0)
    receipt = models.BinaryField("受領書(署名付き)")
    at = models.DateTimeField("受領日時", default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                           verbose_name="担当者")

    NOT_PERSONAL = {"name": "委託先が付けた便の名称であり、氏名ではない"}

    class Meta:
        verbose_name = "納品(受領した申込データ)"
        verbose_name_plural = "納品(受領した申込データ)"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"納品 {self.batch}"


class Application(models.Model):
    """One child's 保育所等利用申込, as delivered by the vendor or entered by hand at the city."""

    class Source(models.TextChoices):
        PACKAGE = "package", "委託先からの納品"
        MANUAL = "manual", "窓口での手入力"

    class Match(models.TextChoices):
        MATCHED = "matched", "自動照合済み"
        PENDING = "pending", "照合待ち(職員の確認が必要)"
        CONFIRMED = "confirmed", "職員が確認済み"

    admission_year = models.PositiveIntegerField("入園年度")
    receipt_number = models.CharField("受付番号", max_length=30)
    receipt_date = models.DateField("受付日", null=True, blank=True)
    source = models.CharField("入力元", max_length=10, choices=Source.choices, default=Source.PACKAGE)
    delivery = models.ForeignKey(Delivery, null=True, blank=True, on_delete=models.PROTECT, related_name="applications",
                                 verbose_name="納品")
    page = models.CharField("申込書の頁", max_length=30, blank=True)
    child_name = models.CharField("児童 氏名", max_length=60)
    child_kana = models.CharField("児童 フリガナ", max_length=60, blank=True)
    child_birth = models.DateField("児童 生年月日")
    address = models.CharField("住所", max_length=200, blank=True)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    guardian1_name = models.CharField("保護者1 氏名", max_length=60, blank=True)
    guardian2_name = models.CharField("保護者2 氏名", max_length=60, blank=True)
    wishes = models.JSONField("希望施設", default=list)
    start_month = models.CharField("利用開始希望月", max_length=7, blank=True)
    base_points = models.IntegerField("基準点", default=0)
    points_lines = models.JSONField("基準点の内訳", default=list)
    points_problems = models.JSONField("基準点の要確認事項", default=list)
    facts = models.JSONField("市が把握する世帯の状況(調整点の根拠)", default=dict, blank=True)
    household = models.CharField("世帯番号", max_length=30, blank=True)
    sibling_pattern = models.PositiveSmallIntegerField("きょうだいパターン", null=True, blank=True)
    child_resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                       verbose_name="児童の住民記録")
    guardian1_resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                           verbose_name="保護者1の住民記録")
    guardian2_resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                           verbose_name="保護者2の住民記録")
    match = models.CharField("住民記録との照合", max_length=10, choices=Match.choices, default=Match.PENDING)
    created_at = models.DateTimeField("登録日時", default=timezone.now)

    PERSONAL_DATA = {
        "child_name": Declaration(Category.NAME, _PURPOSE, _RETENTION),
        "child_kana": Declaration(Category.NAME, _PURPOSE, _RETENTION),
        "child_birth": Declaration(Category.BIRTH_DATE, _PURPOSE, _RETENTION),
        "address": Declaration(Category.ADDRESS, _PURPOSE, _RETENTION),
        "postal_code": Declaration(Category.ADDRESS, _PURPOSE, _RETENTION),
        "phone": Declaration(Category.CONTACT, _PURPOSE, _RETENTION),
        "guardian1_name": Declaration(Category.NAME, _PURPOSE, _RETENTION),
        "guardian2_name": Declaration(Category.NAME, _PURPOSE, _RETENTION),
        "facts": Declaration(Category.CIRCUMSTANCES, _PURPOSE, _RETENTION),
        "points_lines": Declaration(Category.CIRCUMSTANCES, _PURPOSE, _RETENTION),
    }
    NOT_PERSONAL = {
        "household": "申込をまとめる市の内部番号であり、世帯の情報そのものではない",
        "child_resident": "住民記録への内部参照(ID)",
        "guardian1_resident": "住民記録への内部参照(ID)",
        "guardian2_resident": "住民記録への内部参照(ID)",
    }

    class Meta:
        verbose_name = "利用申込"
        verbose_name_plural = "利用申込"
        ordering = ["admission_year", "receipt_number"]
        constraints = [models.UniqueConstraint(fields=["admission_year", "receipt_number"], name="one_receipt_number_a_year")]

    def __str__(self) -> str:
        return f"申込 {self.receipt_number}"

    @property
    def household_id(self) -> str:
        return self.household or self.receipt_number

    def income(self) -> int | None:
        """The household's 所得割額: the sum over the matched guardians (None when one is unknown)."""
        from yakuba.allocation.rules import household_income

        guardians = {}
        for name, resident in (("1", self.guardian1_resident), ("2", self.guardian2_resident)):
            if resident is not None:
                guardians[name] = resident.income_tax_amount
        return household_income(guardians)


class Round(models.Model):
    """One 利用調整 (一次 or 二次) of an admission year: facilities, capacities, results."""

    class Status(models.TextChoices):
        DRAFT = "draft", "準備中"
        RUNNING = "running", "計算中"
        COMPUTED = "computed", "計算済み(承認待ち)"
        APPROVED = "approved", "承認済み(公開)"

    name = models.CharField("名称", max_length=60)
    admission_year = models.PositiveIntegerField("入園年度")
    number = models.PositiveSmallIntegerField("次数", default=1)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_rounds",
                                 verbose_name="前の利用調整")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.DRAFT)
    rules_title = models.CharField("利用調整基準", max_length=200, blank=True)
    method = models.CharField("計算方法", max_length=200, blank=True)
    stable = models.BooleanField("安定な割当て", default=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="計算した職員")
    computed_at = models.DateTimeField("計算日時", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="承認した所属長")
    approved_at = models.DateTimeField("承認日時", null=True, blank=True)
    notice_date = models.DateField("通知日", null=True, blank=True)
    created_at = models.DateTimeField("作成日時", default=timezone.now)

    class Meta:
        verbose_name = "利用調整"
        verbose_name_plural = "利用調整"
        ordering = ["-admission_year", "-number", "-pk"]

    def __str__(self) -> str:
        return f"利用調整 {self.pk}"

    @property
    def label(self) -> str:
        return f"{self.admission_year}年度 {'一次' if self.number == 1 else '二次'}調整"

    def table(self) -> list[dict]:
        """The results page: one row per facility × age class (capacity, placed, cut-off, waiting).

        Two aggregated queries whatever the number of children (see bench/admission_results.py).
        """
        from yakuba.allocation.explain import MIN_FOR_CUTOFF

        placed = {(r["facility"], r["age_class"]): r for r in
                  self.results.exclude(facility="").order_by().values("facility", "age_class")
                  .annotate(n=Count("pk"), new=Count("pk", filter=Q(status=Result.Status.PLACED)),
                            cutoff=Min("points", filter=Q(status=Result.Status.PLACED)))}
        waiting = {(r["first_wish"], r["age_class"]): r["n"] for r in
                   self.results.filter(status=Result.Status.WAITING).order_by().values("first_wish", "age_class")
                   .annotate(n=Count("pk"))}
        rows = []
        for f in self.facilities.all():
            for age in range(6):
                cap = f.capacity[age]
                p = placed.get((f.code, age))
                w = waiting.get((f.code, age), 0)
                if not cap and not p and not w:
                    continue
                new = p["new"] if p else 0
                rows.append({"facility": f, "age": age, "capacity": cap, "placed": p["n"] if p else 0,
                             "cutoff": p["cutoff"] if p and new >= MIN_FOR_CUTOFF else None, "waiting": w})
        return rows

    def waiting_by_age(self) -> list[int]:
        counts = dict(self.results.filter(status=Result.Status.WAITING).order_by().values("age_class")
                      .annotate(n=Count("pk")).values_list("age_class", "n"))
        return [counts.get(a, 0) for a in range(6)]


class Facility(models.Model):
    """施設 and this round's 定員 (空き) per age class 0–5."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="facilities", verbose_name="利用調整")
    code = models.CharField("施設コード", max_length=10)
    name = models.CharField("施設名", max_length=100)
    capacity = models.JSONField("定員(0〜5歳)", default=list)

    NOT_PERSONAL = {"name": "施設の名称であり個人の情報ではない"}

    class Meta:
        verbose_name = "施設と定員"
        verbose_name_plural = "施設と定員"
        ordering = ["round", "code"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="one_facility_code_a_round")]

    def __str__(self) -> str:
        return f"施設 {self.code}"


class Result(models.Model):
    """The decision for one child in one round, with how its points were made up and why."""

    class Status(models.TextChoices):
        PLACED = "placed", "内定(承諾)"
        STAYED = "stayed", "在園継続"
        WAITING = "waiting", "保留"

    class Response(models.TextChoices):
        PENDING = "pending", "未回答"
        ACCEPTED = "accepted", "承諾"
        DECLINED = "declined", "辞退"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results", verbose_name="利用調整")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="results", verbose_name="申込")
    facility = models.CharField("決定施設", max_length=10, blank=True)
    first_wish = models.CharField("第1希望施設", max_length=10, blank=True)
    age_class = models.PositiveSmallIntegerField("年齢クラス")
    points = models.IntegerField("点数")
    wish_rank = models.PositiveSmallIntegerField("希望順位", null=True, blank=True)
    status = models.CharField("結果", max_length=10, choices=Status.choices)
    breakdown = models.TextField("点数の内訳", blank=True)
    explanation = models.JSONField("決定理由(機械可読)", default=dict)
    text = models.TextField("決定理由", blank=True)
    response = models.CharField("保護者の回答", max_length=10, choices=Response.choices, default=Response.PENDING)
    printed_at = models.DateTimeField("通知の印刷日時", null=True, blank=True)

    PERSONAL_DATA = {
        "breakdown": Declaration(Category.CIRCUMSTANCES, _PURPOSE, _RETENTION),
    }
    NOT_PERSONAL = {"age_class": "年齢クラス(0〜5歳児クラス)の区分であり、生年月日ではない"}

    class Meta:
        verbose_name = "利用調整の結果"
        verbose_name_plural = "利用調整の結果"
        ordering = ["round", "application__receipt_number"]
        constraints = [models.UniqueConstraint(fields=["round", "application"], name="one_result_a_child_a_round")]
        indexes = [models.Index(fields=["round", "facility", "age_class"]),
                   models.Index(fields=["round", "status", "first_wish", "age_class"])]

    def __str__(self) -> str:
        return f"結果 {self.pk}"
