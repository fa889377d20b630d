"""Acceptance: in the demo city, nothing a vendor operator can open carries a name, an address, a
phone number or an employer — not as text, not as an image crop."""

from __future__ import annotations

import pytest
from django.test import Client

from yakuba.accounts.access import routes
from yakuba.accounts.models import User
from yakuba.demo import setup_demo
from yakuba.intake.models import Application, Batch, FieldValue, Page


def _secrets() -> set[str]:
    out: set[str] = set()
    for value in FieldValue.objects.filter(personal=True).exclude(value="").values_list("value", flat=True):
        out.add(value)
        out |= {part for part in value.split() if len(part) >= 2}  # given names alone, too
    for app in Application.objects.all():
        out |= {app.child_name, app.child_kana, app.guardian_name, app.address, app.phone} - {""}
    return out


@pytest.mark.django_db
@pytest.mark.smoke
def test_no_operator_response_contains_a_demo_applicants_name_or_address() -> None:
    setup_demo()
    operator = User.objects.get(username="operator")
    secrets = _secrets()
    assert len(secrets) > 10
    ids = {
        "intake/batches/": list(Batch.objects.values_list("pk", flat=True)),
        "intake/pages/": list(Page.objects.values_list("pk", flat=True)),
        "intake/verify/": list(FieldValue.objects.values_list("pk", flat=True)),
        "intake/fields/": list(FieldValue.objects.values_list("pk", flat=True)),
        "intake/": list(Application.objects.values_list("pk", flat=True)),
    }
    assert all(ids.values()), ids
    client = Client()
    client.force_login(operator)
    urls = []
    for route in routes():
        if route.rule is None or route.rule.public or not route.rule.admits(operator):
            continue
        if "<int:pk>" in route.pattern and route.pattern.startswith("intake/"):
            prefix = next(p for p in ids if route.pattern.startswith(p))
            urls += ["/" + route.pattern.replace("<int:pk>", str(pk)) for pk in ids[prefix]]
        elif not route.takes_arguments:
            urls.append("/" + route.pattern)
    assert "/intake/" in urls and "/intake/verify/" in urls and len(urls) > 100
    # Exports too: the operator's CSV, once approved by the responsible person.
    client.post("/exports/request/", {"kind": "intake.applications", "reason": "市への報告"})  # bulk: a reason
    from yakuba.exports.models import Export

    export = Export.objects.get(requested_by=operator)
    responsible = Client()
    responsible.force_login(User.objects.get(username="responsible"))
    responsible.post(f"/exports/{export.pk}/decide/", {"decision": "approve"})
    bodies = []
    personal_crops = {f"/intake/fields/{pk}/crop.png" for pk in FieldValue.objects.filter(personal=True).values_list("pk", flat=True)}
    for url in urls:
        response = client.get(url, follow=True)
        if url in personal_crops:
            assert response.status_code == 403, url
        if response.get("Content-Type", "").startswith("text/"):
            bodies.append(response.content.decode())
    bodies.append(client.post(f"/exports/{export.pk}/download/").content.decode())
    leaks = sorted({s for s in secrets for body in bodies if s and s in body})
    assert leaks == []
