from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from yakuba.jobs.registry import KINDS

#: A running job that has not reported for this long has lost its worker (killed, machine gone):
#: it is failed, so that the work can be started again (``YAKUBA_JOB_LEASE_S``, default 10 minutes).
LEASE = dt.timedelta(seconds=int(getattr(settings, "YAKUBA_JOB_LEASE_S", 600)))
STALLED_MESSAGE = "処理していた作業プロセスが応答しなくなりました(停止した可能性があります)。もう一度実行してください。"


class Job(models.Model):
    """A long piece of work run by `yakuba worker`, with progress the UI can show.

    The job row is written before the task is queued (in the same transaction), so a crash of the
    web process or the worker loses nothing: an unfinished job can be run again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "待機中"
        RUNNING = "running", "実行中"
        DONE = "done", "完了"
        FAILED = "failed", "失敗"

    kind = models.CharField("処理", max_length=60)
    params = models.JSONField("条件", default=dict)
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("処理済み", default=0)
    total = models.PositiveIntegerField("全体", default=0)
    message = models.CharField("状況", max_length=300, blank=True)
    result = models.JSONField("結果", default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name="依頼者")
    created_at = models.DateTimeField("依頼日時", default=timezone.now)
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField("最終報告", null=True, blank=True)

    class Meta:
        verbose_name = "バックグラウンド処理"
        verbose_name_plural = "バックグラウンド処理"
        ordering = ["-created_at", "-pk"]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def stalled(self) -> bool:
        """Running, but no word from its worker for longer than :data:`LEASE`."""
        last = self.heartbeat_at or self.started_at
        return self.status == self.Status.RUNNING and last is not None and timezone.now() - last > LEASE

    @classmethod
    def fail_stalled(cls) -> int:
        """Fail every running job whose worker stopped answering (see :data:`LEASE`); how many."""
        cutoff = timezone.now() - LEASE
        stalled = (cls.objects.filter(status=cls.Status.RUNNING).annotate(last=Coalesce("heartbeat_at", "started_at"))
                   .filter(Q(last__lt=cutoff)))
        ids = list(stalled.values_list("pk", flat=True))
        if ids:
            cls.objects.filter(pk__in=ids, status=cls.Status.RUNNING).update(
                status=cls.Status.FAILED, finished_at=timezone.now(), message=STALLED_MESSAGE)
        return len(ids)

    @property
    def label(self) -> str:
        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind

    def report(self, done: int, total: int, message: str = "") -> None:
        """Progress from inside the work; a short write of its own, outside any long transaction."""
        self.done, self.total = done, total
        if message:
            self.message = message[:300]
        self.heartbeat_at = timezone.now()
        Job.objects.filter(pk=self.pk).update(done=done, total=total, message=self.message,
                                              heartbeat_at=self.heartbeat_at)
