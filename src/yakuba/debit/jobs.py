"""Long debit steps as background jobs with progress (`yakuba worker`); the actions stay synchronous."""

from __future__ import annotations

import datetime as dt

from yakuba.accounts.roles import Role
from yakuba.debit.actions.reconciliation import do_receive_results
from yakuba.debit.actions.runs import do_create_run
from yakuba.debit.models import DebitRun
from yakuba.debit.relay import relay_client
from yakuba.jobs.models import Job
from yakuba.jobs.registry import register

ROLES = {Role.CITY_STAFF, Role.CITY_SUPERVISOR}


@register("debit.create_run", "口座振替データの作成", roles=ROLES)
def create_run_job(job: Job) -> dict:
    run = do_create_run(dt.date.fromisoformat(job.params["debit_date"]), job.created_by,
                        progress=lambda done, total, msg: job.report(done, total, msg))
    return {"run": run.pk, "items": run.items.count(), "files": run.files.count()}


@register("debit.receive_results", "口座振替結果の受信と消込", roles=ROLES)
def receive_results_job(job: Job) -> dict:
    run = DebitRun.objects.get(pk=job.params["run"])
    with relay_client() as client:
        report = do_receive_results(run, client, job.created_by, wait=60,
                                    progress=lambda done, total, msg: job.report(done, total, msg))
    return {"run": run.pk, "counts": report.counts}
