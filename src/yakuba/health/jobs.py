"""Background work of the 健康情報システム: registering 副本 on the city's 中間サーバー (yakuba worker)."""

from __future__ import annotations

import logging
from typing import Any, Iterable

from yakuba.accounts.roles import Role
from yakuba.errors import YakubaError
from yakuba.jobs.registry import register

logger = logging.getLogger("yakuba.health")
KIND = "health.register_fukuhon"


@register(KIND, "副本の登録(中間サーバー)", roles={Role.HEALTH_STAFF})
def register_fukuhon(job: Any) -> dict:
    """Register the 副本 of the children in ``params["children"]``; each failure is counted and kept on the
    child's record, the others go on."""
    from yakuba.health.actions.linkage import do_register
    from yakuba.health.linkage import transport
    from yakuba.health.models import Child

    link = transport()
    if link is None:
        return {"registered": 0, "unchanged": 0, "failed": 0, "configured": False}
    counts = {"registered": 0, "unchanged": 0, "failed": 0, "configured": True}
    try:
        for child in Child.objects.filter(pk__in=job.params.get("children", [])).order_by("pk"):
            try:
                counts["registered" if do_register(child, link, actor=job.created_by) else "unchanged"] += 1
            except YakubaError as exc:
                logger.warning("副本を登録できません (child %s): %s", child.pk, exc.code)
                counts["failed"] += 1
    finally:
        link.close()
    return counts


def schedule(children: Iterable[int], user: Any) -> None:
    """Queue the registration of these children's 副本 — only where the city has 情報連携 (linkage.toml)."""
    from yakuba.health.linkage import configured
    from yakuba.jobs.tasks import start

    ids = sorted(set(children))
    if ids and configured():
        start(KIND, user=user, params={"children": ids})
