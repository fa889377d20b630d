"""基幹福祉相談センター: people, households, cases and what is recorded on them.

str() of every model is an id or a number, never a name (it ends up in logs and admin lists).
What the person said, the worry, the notes are 要配慮 (sensitive); health and disability details
are `health` and go only to the case's assigned workers (yakuba.consult.access).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yakuba.accounts.models import Organisation
from yakuba.privacy.declarations import Category, Declaration

PURPOSE = "基幹福祉相談センターにおける相談支援(社会福祉法第106条の3)"
RETENTION = "相談の終結後5年"


class Domain(models.TextChoices):
    DISABILITY = "disability", "障がい"
    ELDERLY = "elderly", "高齢"
    CHILD = "child", "子ども"
    POVERTY = "poverty", "生活困窮"


class Household(models.Model):
    """A household (世帯): the people who live together; a case covers some of them."""

    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "世帯"
        verbose_name_plural = "世帯"

    def __str__(self) -> str:
        return f"世帯 {self.pk}"


class Person(models.Model):
    """A person the centre supports; 宛名番号 only where the city shares it (a person not known to
    the city is allowed)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members", verbose_name="世帯")
    name = models.CharField("氏名", max_length=60)
    name_kana = models.CharField("氏名(カナ)", max_length=60, blank=True)
    birth_date = models.DateField("生年月日", null=True, blank=True)
    address = models.CharField("住所", max_length=200, blank=True)
    phone = models.CharField("連絡先", max_length=40, blank=True)
    resident_key = models.CharField("宛名番号", max_length=20, blank=True)

    PERSONAL_DATA = {
        "name": Declaration(Category.NAME, PURPOSE, RETENTION),
        "name_kana": Declaration(Category.NAME, PURPOSE, RETENTION),
        "birth_date": Declaration(Category.BIRTH_DATE, PURPOSE, RETENTION),
        "address": Declaration(Category.ADDRESS, PURPOSE, RETENTION),
        "phone": Declaration(Category.CONTACT, PURPOSE, RETENTION),
        "resident_key": Declaration(Category.IDENTIFIER, PURPOSE, RETENTION),
    }
    NOT_PERSONAL = {"household": "世帯への参照(番号)であり、世帯の構成は世帯の画面で氏名とともに示す"}

    class Meta:
        verbose_name = "相談者"
        verbose_name_plural = "相談者"

    def __str__(self) -> str:
        return f"相談者 {self.pk}"


class Case(models.Model):
    """A case (相談ケース): one or more people of a household, one or more domains."""

    class Status(models.TextChoices):
        INTAKE = "intake", "受付"
        ASSESSMENT = "assessment", "アセスメント済み"
        SUPPORT = "support", "支援中"
        CLOSED = "closed", "終結"

    class CloseReason(models.TextChoices):
        RESOLVED = "resolved", "課題の解決"
        REFERRED = "referred", "他機関へのつなぎ"
        MOVED = "moved", "転出"
        DECLINED = "declined", "本人の辞退"
        DIED = "died", "死亡"
        OTHER = "other", "その他"

    class Track(models.TextChoices):
        """How the centre may share (issue #13 §2): with the person's consent, or without it — then
        only with the members of a 支援会議 the case is on."""
        CONSENT = "consent", "本人同意あり"
        NO_CONSENT = "no_consent", "本人同意なし(支援会議のみ)"

    number = models.CharField("ケース番号", max_length=20, unique=True)
    centre = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="センター")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="cases", verbose_name="世帯")
    people = models.ManyToManyField(Person, related_name="cases", verbose_name="対象者")
    domains = models.JSONField("分野", default=list)
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.INTAKE)
    workers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="consult_cases", verbose_name="担当者")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="センター長")
    opened_on = models.DateField("受付日")
    closed_on = models.DateField("終結日", null=True, blank=True)
    close_reason = models.CharField("終結の理由", max_length=20, choices=CloseReason.choices, blank=True)
    close_note = models.TextField("終結の記録", blank=True)
    track = models.CharField("受付の区分", max_length=12, choices=Track.choices, default=Track.CONSENT)

    PERSONAL_DATA = {"close_note": Declaration(Category.SENSITIVE, PURPOSE, RETENTION)}
    NOT_PERSONAL = {"household": "世帯への参照(番号)", "supervisor": "職員(センター長)への参照"}

    class Meta:
        verbose_name = "相談ケース"
        verbose_name_plural = "相談ケース"
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def domain_labels(self) -> list[str]:
        return [str(Domain(d).label) for d in self.domains if d in Domain.values]

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Intake(models.Model):
    """相談受付: how the worry came in, in the person's words, and how urgent it is."""

    class Route(models.TextChoices):
        VISIT_CENTRE = "visit_centre", "来所"
        PHONE = "phone", "電話"
        HOME_VISIT = "home_visit", "訪問"
        ONLINE = "online", "オンライン"
        AGENCY = "agency", "関係機関から"

    class Urgency(models.TextChoices):
        URGENT = "urgent", "緊急"
        SOON = "soon", "早めに対応"
        NORMAL = "normal", "通常"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="intake", verbose_name="ケース")
    received_at = models.DateTimeField("受付日時")
    route = models.CharField("経路", max_length=20, choices=Route.choices)
    worry = models.TextField("相談の内容(本人の言葉で)")
    urgency = models.CharField("緊急度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="受付者")

    PERSONAL_DATA = {"worry": Declaration(Category.SENSITIVE, PURPOSE, RETENTION)}

    class Meta:
        verbose_name = "相談受付"
        verbose_name_plural = "相談受付"

    def __str__(self) -> str:
        return f"受付 {self.pk}"


class Assessment(models.Model):
    """アセスメント: the situation, health and disability details (health), the risks."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments", verbose_name="ケース")
    made_at = models.DateTimeField("実施日時")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name="実施者")
    situation = models.TextField("生活の状況")
    health_details = models.TextField("心身の状況・障がい", blank=True)
    risks = models.TextField("リスク", blank=True)

    PERSONAL_DATA = {
        "situation": Declaration(Category.SENSITIVE, PURPOSE, RETENTION),
        "health_details": Declaration(Category.HEALTH, PURPOSE, RETENTION),
        "risks": Declaration(Category.SENSITIVE, PURPOSE, RETENTION),
    }

    class Meta:
        verbose_name = "アセスメント"
        verbose_name_plural = "アセスメント"
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"アセスメント {self.pk}"


class SupportPlan(models.Model):
    """支援計画: what the support aims at; its goals and their tasks."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans", verbose_name="ケース")
    made_at = models.DateTimeField("作成日時")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name="作成者")
    summary = models.TextField("方針")

    PERSONAL_DATA = {"summary": Declaration(Category.SENSITIVE, PURPOSE, RETENTION)}

    class Meta:
        verbose_name = "支援計画"
        verbose_name_plural = "支援計画"
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"支援計画 {self.pk}"


class Goal(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="goals", verbose_name="支援計画")
    text = models.TextField("目標")

    PERSONAL_DATA = {"text": Declaration(Category.SENSITIVE, PURPOSE, RETENTION)}

    class Meta:
        verbose_name = "目標"
        verbose_name_plural = "目標"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"目標 {self.pk}"


class Task(models.Model):
    """A task of a goal: who does it, by when, done or not."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="tasks", verbose_name="目標")
    text = models.TextField("内容")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consult_tasks",
                              verbose_name="担当者")
    due_on = models.DateField("期限")
    done_on = models.DateField("完了日", null=True, blank=True)

    PERSONAL_DATA = {"text": Declaration(Category.SENSITIVE, PURPOSE, RETENTION)}

    class Meta:
        verbose_name = "タスク"
        verbose_name_plural = "タスク"
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"タスク {self.pk}"

    @property
    def case(self) -> Case:
        return self.goal.plan.case


class ConsultationRecord(models.Model):
    """相談記録: one contact — when, who, how, what was said, the next step (and when to follow up)."""

    class Method(models.TextChoices):
        VISIT_CENTRE = "visit_centre", "来所"
        PHONE = "phone", "電話"
        HOME_VISIT = "home_visit", "訪問"
        ONLINE = "online", "オンライン"
        AGENCY = "agency", "関係機関との連絡"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records", verbose_name="ケース")
    at = models.DateTimeField("日時")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name="対応者")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="records",
                               verbose_name="相手")
    method = models.CharField("方法", max_length=20, choices=Method.choices)
    said = models.TextField("相談の内容")
    next_step = models.TextField("次の対応", blank=True)
    follow_up_on = models.DateField("次回の確認日", null=True, blank=True)

    PERSONAL_DATA = {
        "said": Declaration(Category.SENSITIVE, PURPOSE, RETENTION),
        "next_step": Declaration(Category.SENSITIVE, PURPOSE, RETENTION),
    }

    class Meta:
        verbose_name = "相談記録"
        verbose_name_plural = "相談記録"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"相談記録 {self.pk}"
