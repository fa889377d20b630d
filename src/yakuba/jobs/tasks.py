from __future__ import annotations

import logging
import traceback

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yakuba.jobs.models import Job
from yakuba.jobs.registry import KINDS

logger = logging.getLogger("yakuba.jobs")


@task()
def run_job(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    if job.finished:
        return
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=now, heartbeat_at=now)
    try:
        result = KINDS[job.kind].run(job)
    except Exception as exc:  # the job fails, the worker goes on
        logger.error("job %s (%s) failed: %s", job.pk, job.kind, traceback.format_exc())
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=f"失敗しました: {type(exc).__name__}"
        )
        raise
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, finished_at=timezone.now(), result=result, message="")


def start(kind: str, *, user: object = None, params: dict | None = None) -> Job:
    """Create the job and queue its task in one transaction."""
    if kind not in KINDS:
        raise KeyError(kind)
    with transaction.atomic():
        job = Job.objects.create(kind=kind, params=params or {}, created_by=user)
        transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: Job) -> None:
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
