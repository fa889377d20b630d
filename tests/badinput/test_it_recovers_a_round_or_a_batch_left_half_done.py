"""A round left 計算中 by a killed worker, and an intake batch left 読み取り中 by a killed demo or
worker, are put back when the worker starts (and the demo's rerun reads on): audited, restartable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from tests.intake.conftest import fast_reading, files  # noqa: F401 - the intake tests' fixtures
from yakuba.accounts.roles import Role
from yakuba.admission.models import Round
from yakuba.audit.models import AuditEntry
from yakuba.jobs.models import LEASE, STALLED_MESSAGE, Job


def _round(status: str = Round.Status.RUNNING) -> Round:
    return Round.objects.create(name="一次", admission_year=2027, status=status)


def _job(kind: str, params: dict, status: str, *, ago: dt.timedelta = dt.timedelta(0)) -> Job:
    then = timezone.now() - ago
    return Job.objects.create(kind=kind, params=params, status=status, started_at=then, heartbeat_at=then)


@pytest.mark.django_db
def test_it_puts_a_round_whose_worker_was_killed_back_to_draft() -> None:
    from yakuba.admission.jobs import recover_rounds

    killed, queued, fine = _round(), _round(), _round(Round.Status.COMPUTED)
    stalled = _job("admission.compute_round", {"round": killed.pk}, Job.Status.RUNNING, ago=2 * LEASE)
    _job("admission.compute_round", {"round": queued.pk}, Job.Status.QUEUED)
    assert recover_rounds() == 1
    for rnd in (killed, queued, fine):
        rnd.refresh_from_db()
    assert (killed.status, queued.status, fine.status) == (Round.Status.DRAFT, Round.Status.RUNNING, Round.Status.COMPUTED)
    stalled.refresh_from_db()
    assert stalled.status == Job.Status.FAILED
    entry = AuditEntry.objects.get(action="admission.round.recovered")
    assert entry.target_id == str(killed.pk)
    assert recover_rounds() == 0


@pytest.mark.django_db
def test_it_leaves_a_round_whose_worker_still_reports() -> None:
    from yakuba.admission.jobs import recover_rounds

    rnd = _round()
    _job("admission.compute_round", {"round": rnd.pk}, Job.Status.RUNNING, ago=LEASE / 10)
    assert recover_rounds() == 0
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.RUNNING


def _killed_during_reading(files, monkeypatch):  # type: ignore[no-untyped-def]
    from yakuba.intake.actions import reading, upload
    from yakuba.intake.models import Batch

    user = factories.user(Role.VENDOR_RESPONSIBLE)
    vendor = factories.org("vendor-entry")
    batch = upload.do_create_batch(vendor, "R8-第1便", [upload.Upload(n, d) for n, d, _ in files[:2]], user)
    real = reading.read_page
    calls = []

    def dies_on_the_second(image, name):  # type: ignore[no-untyped-def]
        calls.append(name)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the demo's process is killed here
        return real(image, name)

    monkeypatch.setattr(reading, "read_page", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        reading.do_read_batch(batch, user)
    monkeypatch.setattr(reading, "read_page", real)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.READING and batch.job is None
    return vendor, user, batch


@pytest.mark.django_db
def test_the_demos_rerun_reads_on_a_batch_its_kill_left(files, fast_reading, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from yakuba.intake import demo
    from yakuba.intake.models import Batch

    vendor, user, batch = _killed_during_reading(files, monkeypatch)
    demo.run(vendor, user, None, None, progress=lambda message: None)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.VERIFYING and batch.pages.count() == 2


@pytest.mark.django_db
def test_the_worker_reads_on_a_batch_left_reading(files, fast_reading, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from yakuba.intake.jobs import recover_batches
    from yakuba.jobs.registry import RECOVERIES

    from yakuba.admission.jobs import recover_rounds

    assert recover_batches in RECOVERIES and recover_rounds in RECOVERIES
    vendor, user, batch = _killed_during_reading(files, monkeypatch)
    assert recover_batches() == 1
    batch.refresh_from_db()
    assert batch.job is not None and batch.job.kind == "intake.read_batch"
    assert AuditEntry.objects.filter(action="intake.batch.recovered", target_id=str(batch.pk)).exists()
    assert recover_batches() == 0  # its new job is queued: nothing more to recover
    failed = Job.objects.filter(pk=batch.job.pk)
    failed.update(status=Job.Status.FAILED, message="失敗しました: ValueError")
    assert recover_batches() == 0  # a job that failed for a reason is left to a person
    failed.update(message=STALLED_MESSAGE)
    assert recover_batches() == 1
