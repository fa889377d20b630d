"""Reading a batch as a background job with progress (`yakuba worker`); the action stays synchronous."""

from __future__ import annotations

from yakuba.accounts.roles import Role
from yakuba.intake.actions import reading, records
from yakuba.intake.models import Batch
from yakuba.jobs.models import Job
from yakuba.jobs.models import STALLED_MESSAGE
from yakuba.jobs.registry import recovery, register


@register("intake.read_batch", "スキャンの読み取り(AI-OCR)", roles={Role.VENDOR_RESPONSIBLE})
def read_batch_job(job: Job) -> dict:
    batch = Batch.objects.get(pk=job.params["batch"])
    batch = reading.do_read_batch(batch, job.created_by, progress=lambda done, total, msg: job.report(done, total, msg))
    c = records.batch_counts(batch)
    return {
        "batch": batch.pk, "pages": c["pages"], "failed": c["failed"], "review_fields": c["review_fields"],
        "summary": f"{c['pages']} ページを読み取りました(読み取れないページ {c['failed']}、確認待ちの欄 {c['review_fields']})。",
    }


@recovery
def recover_batches() -> int:
    """Read on every batch left 読み取り中 by a process that was killed — one read without a job
    (the demo reads in its own process) or whose job's worker stopped (``Job.fail_stalled``): a new
    job reads the pages not read yet; each one audited. A job that failed for another reason is
    left to a person (the batch page offers 読み取りを再開する). How many."""
    from yakuba.audit.log import record

    Job.fail_stalled()
    recovered = 0
    for batch in Batch.objects.filter(status=Batch.Status.READING).select_related("job", "created_by"):
        job = batch.job
        if job is not None and not (job.status == Job.Status.FAILED and job.message == STALLED_MESSAGE):
            continue
        new = reading.do_start_reading(batch, batch.created_by)
        record("intake.batch.recovered", target=batch, detail={"job": new.pk, "previous_job": job.pk if job else None})
        recovered += 1
    return recovered
