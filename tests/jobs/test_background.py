"""Long work runs in `yakuba worker`, survives a restart (it is a row), and reports progress."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.jobs.models import Job


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_waits_for_the_worker_and_reports_its_result() -> None:
    council = factories.user(Role.COUNCIL_MEMBER)
    for i in range(3):
        record("test.event", target_id=i)
    client = Client()
    client.force_login(council)
    response = client.post("/audit/verify/")
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.QUEUED  # nothing ran inside the request

    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result["ok"] is True and job.result["checked"] >= 3
    assert job.total == job.done and job.total >= 3

    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "完了" in page and "OK" in page


@pytest.mark.django_db(transaction=True)
def test_another_user_cannot_see_my_job() -> None:
    client = Client()
    client.force_login(factories.user(Role.COUNCIL_MEMBER))
    client.post("/audit/verify/")
    job = Job.objects.get()
    other = Client()
    other.force_login(factories.user(Role.ADMIN))
    assert other.get(f"/jobs/{job.pk}/").status_code == 404
