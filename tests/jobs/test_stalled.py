"""A job whose worker was killed (SIGKILL, a machine gone) does not stay 実行中 for ever."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yakuba.jobs.models import LEASE, STALLED_MESSAGE, Job


def _running(minutes_ago: float, heartbeat: bool = True) -> Job:
    then = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return Job.objects.create(kind="audit.verify", status=Job.Status.RUNNING, started_at=then,
                              heartbeat_at=then if heartbeat else None)


@pytest.mark.django_db
def test_it_fails_a_running_job_whose_worker_stopped_reporting() -> None:
    late = _running(LEASE.total_seconds() / 60 + 1)
    silent = _running(LEASE.total_seconds() / 60 + 1, heartbeat=False)  # never reported at all
    alive = _running(1)
    assert late.stalled and silent.stalled and not alive.stalled
    assert Job.fail_stalled() == 2
    for job in (late, silent):
        job.refresh_from_db()
        assert job.status == Job.Status.FAILED and job.message == STALLED_MESSAGE and job.finished_at
    alive.refresh_from_db()
    assert alive.status == Job.Status.RUNNING


@pytest.mark.django_db
def test_it_counts_progress_as_a_sign_of_life() -> None:
    job = _running(LEASE.total_seconds() / 60 + 5)
    job.report(3, 10, "3 / 10")
    job.refresh_from_db()
    assert not job.stalled and Job.fail_stalled() == 0


@pytest.mark.django_db
def test_it_leaves_queued_and_finished_jobs_alone() -> None:
    old = timezone.now() - 10 * LEASE
    Job.objects.create(kind="audit.verify", status=Job.Status.QUEUED, created_at=old)
    Job.objects.create(kind="audit.verify", status=Job.Status.DONE, started_at=old, heartbeat_at=old, finished_at=old)
    assert Job.fail_stalled() == 0
