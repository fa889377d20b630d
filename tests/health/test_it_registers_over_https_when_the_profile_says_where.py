"""With the city profile's linkage.toml, recording a checkup queues the child's 副本 and the worker's job
sends it over mutual TLS: enrolled at the hub (gunicorn) and registered on the city's 中間サーバー (gunicorn).
Without linkage.toml nothing is queued and the child's page says there is no 情報連携."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.test import Client

from tests import cityprofiles
from tests.health import helpers
from tests.linkage.services.gunicorn import serving
from tests.linkage.services.kit import Clock, services
from yakuba.health.jobs import KIND, register_fukuhon
from yakuba.health.models import LinkageRecord
from yakuba.jobs.models import Job
from yakuba.relay.certs import make_pki

pytestmark = pytest.mark.django_db


def post_checkup(staff, child) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(staff)
    response = client.post(f"/health/children/{child.pk}/checkups/m3_4/", {
        "checkup_date": "2024-05-20", "height_cm": "62.0", "weight_kg": "6.500", "chest_cm": "40.5", "head_cm": "40.0"})
    assert response.status_code == 302


def test_it_works(tmp_path: Path, monkeypatch, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    pki = make_pki(tmp_path / "pki", clients=["city-a", "hub"])
    s = services(tmp_path, Clock(int(time.time())))
    s.close()
    tls = ["--cert", str(pki.server_cert), "--key", str(pki.server_key), "--ca", str(pki.ca)]
    with ExitStack() as stack:
        url_a = stack.enter_context(serving("intermediate", "--data", str(tmp_path / "city-a"), *tls,
                                            "--app-cn", "city-a"))
        url_hub = stack.enter_context(serving("hub", "--data", str(tmp_path / "hub"), *tls, "--client-cert",
                                              str(pki.client_cert("hub")), "--client-key", str(pki.client_key("hub")),
                                              "--provider", f"city-a={url_a}", "--witness-every", "0"))
        profile = cityprofiles.copy_demo(tmp_path / "profile", linkage_toml=(
            f'institution = "city-a"\nhub = "{url_hub}"\nintermediate = "{url_a}"\n'
            f'cert = "{pki.client_cert("city-a")}"\nkey = "{pki.client_key("city-a")}"\nca = "{pki.ca}"\n'))
        cityprofiles.use(monkeypatch, profile)
        staff, child = helpers.staff(), helpers.child()
        with django_capture_on_commit_callbacks(execute=False):
            post_checkup(staff, child)
        job = Job.objects.get(kind=KIND)
        assert job.params == {"children": [child.pk]}
        assert register_fukuhon(job) == {"registered": 1, "unchanged": 0, "failed": 0, "configured": True}
        assert register_fukuhon(job)["unchanged"] == 1
    link = LinkageRecord.objects.get(child=child)
    assert link.registered_at is not None and len(link.view_key) == 52
    from yakuba.health.actions import fukuhon_of
    from yakuba.linkage.intermediate import Intermediate

    with Intermediate(tmp_path / "city-a") as a:
        assert a.read(child.resident_key) == fukuhon_of(child)
        assert a.fugo_of(child.resident_key) == link.fugo
    client = Client()
    client.force_login(staff)
    assert "登録済み" in client.get(f"/health/children/{child.pk}/").content.decode()


def test_nothing_is_queued_without_linkage(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    staff, child = helpers.staff(), helpers.child()
    with django_capture_on_commit_callbacks(execute=False):
        post_checkup(staff, child)
    assert not Job.objects.filter(kind=KIND).exists()
    client = Client()
    client.force_login(staff)
    assert "情報連携(linkage.toml)がありません" in client.get(f"/health/children/{child.pk}/").content.decode()
