from yakuba.accounts.roles import Role
from yakuba.audit.log import verify
from yakuba.jobs.models import Job
from yakuba.jobs.registry import register

INSPECTORS = {Role.COUNCIL_MEMBER, Role.CITY_SUPERVISOR, Role.ADMIN}


@register("audit.verify", "監査ログの検証", roles=INSPECTORS)
def verify_audit_chain(job: Job) -> dict:
    result = verify(progress=lambda done, total: job.report(done, total, "監査ログを検証しています"))
    v = result.verdict
    return {"ok": v.ok, "checked": v.checked, "first_broken": v.first_broken, "summary": result.message()}
