"""A run as ISO 20022 pain.008: the supervisor only, every debit in it, the export audited."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from tests.debit.conftest import DEBIT_DATE, make_customers, water_user
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.debit.actions import runs
from yakuba.zengin.iso20022 import PAIN


@pytest.mark.django_db
def test_it_exports_every_debit_of_the_run_for_the_supervisor() -> None:
    make_customers(5)
    supervisor = water_user(Role.CITY_SUPERVISOR, username="suido-sup")
    run = runs.do_create_run(DEBIT_DATE, supervisor)
    client = Client()
    client.force_login(supervisor)
    assert "pain.008" in client.get(reverse("debit:run", args=[run.pk])).content.decode()
    response = client.post(reverse("debit:run_pain008", args=[run.pk]), follow=True)  # through the export step
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    ns = {"p": PAIN}
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs", namespaces=ns) == "5"
    total = sum(i.amount for i in run.items.all())
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=ns) == str(total)
    assert len(root.findall("p:CstmrDrctDbtInitn/p:PmtInf", ns)) == run.files.count()
    assert AuditEntry.objects.filter(action="debit.run.exported", target_id=str(run.pk)).count() == 1


@pytest.mark.django_db
def test_staff_cannot_export() -> None:
    make_customers(2)
    staff = water_user(Role.CITY_STAFF)
    run = runs.do_create_run(DEBIT_DATE, staff)
    client = Client()
    client.force_login(staff)
    assert "pain.008" not in client.get(reverse("debit:run", args=[run.pk])).content.decode()
    assert client.post(reverse("debit:run_pain008", args=[run.pk])).status_code == 403
    assert not AuditEntry.objects.filter(action="debit.run.exported").exists()
