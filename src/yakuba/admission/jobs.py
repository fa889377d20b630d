"""The round's computation as a background job with progress (`yakuba worker`)."""

from __future__ import annotations

from yakuba.accounts.roles import Role
from yakuba.jobs.models import Job
from yakuba.jobs.registry import register

ROLES = {Role.CITY_STAFF, Role.CITY_SUPERVISOR}


@register("admission.compute_round", "利用調整の計算", roles=ROLES)
def compute_round_job(job: Job) -> dict:
    from yakuba.admission.actions.computing import do_compute
    from yakuba.admission.models import Round

    rnd = Round.objects.get(pk=job.params["round"])
    try:
        do_compute(rnd, job.created_by, progress=lambda done, total, msg: job.report(done, total, msg))
    except Exception:  # the round is not left "running": back to what its results say
        back = Round.Status.COMPUTED if rnd.results.exists() else Round.Status.DRAFT
        Round.objects.filter(pk=rnd.pk, status=Round.Status.RUNNING).update(status=back)
        raise
    return {"round": rnd.pk, "children": rnd.results.count()}
