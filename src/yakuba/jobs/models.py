from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


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
    def label(self) -> str:
        from yakuba.jobs.registry import KINDS

        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind

    def report(self, done: int, total: int, message: str = "") -> None:
        """Progress from inside the work; a short write of its own, outside any long transaction."""
        self.done, self.total = done, total
        if message:
            self.message = message[:300]
        Job.objects.filter(pk=self.pk).update(done=done, total=total, message=self.message)
