"""Acceptance: in the demo city, nothing a vendor operator can open carries an applicant's name."""

from __future__ import annotations

import pytest
from django.test import Client

from yakuba.accounts.access import routes
from yakuba.accounts.models import User
from yakuba.demo import setup_demo
from yakuba.intake.models import Application


@pytest.mark.django_db
@pytest.mark.smoke
def test_no_operator_response_contains_a_demo_applicants_name_or_address() -> None:
    setup_demo()
    operator = User.objects.get(username="operator")
    secrets = set()
    for app in Application.objects.all():
        secrets |= {app.child_name, app.child_kana, app.guardian_name, app.address, app.phone}
        secrets |= set(app.child_name.split()) - {""}  # given names alone, too
    assert len(secrets) > 40
    client = Client()
    client.force_login(operator)
    pks = list(Application.objects.values_list("pk", flat=True))
    urls = []
    for route in routes():
        if route.rule is None or route.rule.public or not route.rule.admits(operator):
            continue
        if "<int:pk>" in route.pattern and route.pattern.startswith("intake/"):
            urls += ["/" + route.pattern.replace("<int:pk>", str(pk)) for pk in pks]
        elif not route.takes_arguments:
            urls.append("/" + route.pattern)
    assert "/intake/" in urls and len(urls) > len(pks) * 2
    # Exports too: the operator's CSV, once approved by the responsible person.
    client.post("/exports/request/", {"kind": "intake.applications"})
    from yakuba.exports.models import Export

    export = Export.objects.get(requested_by=operator)
    responsible = Client()
    responsible.force_login(User.objects.get(username="responsible"))
    responsible.post(f"/exports/{export.pk}/decide/", {"decision": "approve"})
    bodies = [client.get(url).content.decode() for url in urls]
    bodies.append(client.post(f"/exports/{export.pk}/download/").content.decode())
    leaks = sorted({s for s in secrets for body in bodies if s and s in body})
    assert leaks == []
