"""Reading a batch as a background job with progress (`yakuba worker`); the action stays synchronous."""

from __future__ import annotations

from yakuba.accounts.roles import Role
from yakuba.intake.actions import reading, records
from yakuba.intake.models import Batch
from yakuba.jobs.models import Job
from yakuba.jobs.registry import register


@register("intake.read_batch", "スキャンの読み取り(AI-OCR)", roles={Role.VENDOR_RESPONSIBLE})
def read_batch_job(job: Job) -> dict:
    batch = Batch.objects.get(pk=job.params["batch"])
    batch = reading.do_read_batch(batch, job.created_by, progress=lambda done, total, msg: job.report(done, total, msg))
    c = records.batch_counts(batch)
    return {
        "batch": batch.pk, "pages": c["pages"], "failed": c["failed"], "review_fields": c["review_fields"],
        "summary": f"{c['pages']} ページを読み取りました(読み取れないページ {c['failed']}、確認待ちの欄 {c['review_fields']})。",
    }
