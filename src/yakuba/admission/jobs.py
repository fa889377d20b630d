"""The round's computation as a background job with progress (`yakuba worker`), and what the worker
does at its start for a round whose computation was killed (:func:`recover_rounds`)."""

from __future__ import annotations

from yakuba.accounts.roles import Role
from yakuba.jobs.models import Job
from yakuba.jobs.registry import recovery, register

ROLES = {Role.CITY_STAFF, Role.CITY_SUPERVISOR}


@register("admission.compute_round", "利用調整の計算", roles=ROLES)
def compute_round_job(job: Job) -> dict:
    from yakuba.admission.actions.computing import do_compute
    from yakuba.admission.models import Round

    rnd = Round.objects.get(pk=job.params["round"])
    try:
        do_compute(rnd, job.created_by, progress=lambda done, total, msg: job.report(done, total, msg))
    except Exception:  # the round is not left "running": back to what its results say
        back = _back(rnd)
        Round.objects.filter(pk=rnd.pk, status=Round.Status.RUNNING).update(status=back)
        raise
    return {"round": rnd.pk, "children": rnd.results.count()}


def _back(rnd) -> str:  # type: ignore[no-untyped-def]
    from yakuba.admission.models import Round

    return Round.Status.COMPUTED if rnd.results.exists() else Round.Status.DRAFT


@recovery
def recover_rounds() -> int:
    """Put every round left 計算中 with no computation queued or running (its worker was killed,
    and the job's lease ran out: ``Job.fail_stalled``) back to what its results say (計算済み or
    準備中), so that staff can compute it again; each one audited. How many."""
    from django.db import transaction

    from yakuba.admission.models import Round
    from yakuba.audit.log import record

    Job.fail_stalled()
    live = {job.params.get("round") for job in Job.objects.filter(
        kind="admission.compute_round", status__in=[Job.Status.QUEUED, Job.Status.RUNNING])}
    recovered = 0
    for rnd in Round.objects.filter(status=Round.Status.RUNNING).exclude(pk__in=[r for r in live if r is not None]):
        with transaction.atomic():
            back = _back(rnd)
            if Round.objects.filter(pk=rnd.pk, status=Round.Status.RUNNING).update(status=back):
                record("admission.round.recovered", target=rnd, detail={"status": str(back)})
                recovered += 1
    return recovered
