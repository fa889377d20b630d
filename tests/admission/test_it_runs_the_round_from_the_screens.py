"""The screens drive a round: import, compute in the worker (progress), results page, what-if,
a child's page, approval by a supervisor only, notices and the results CSV."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.admission.conftest import YEAR, build_package
from yakuba.admission.models import Application, Result, Round
from yakuba.admission.synthetic import load_residents, write_facilities_csv, write_income_csv
from yakuba.jobs.models import Job


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'message--\w+">([^<]*)', response.content.decode())


@pytest.mark.django_db(transaction=True)
def test_it_runs_the_round_from_the_screens(tmp_path, staff, supervisor, population) -> None:
    load_residents(population.residents)
    client = Client()
    client.force_login(staff)
    package = build_package(tmp_path, population.records)
    with package.open("rb") as f:
        r = client.post(reverse("admission:import"), {"package": f, "year": YEAR}, follow=True)
    assert any("受領しました" in m for m in _messages(r)), _messages(r)
    assert Application.objects.count() == 60
    with package.open("rb") as f:  # the same package again: refused, with a message
        r = client.post(reverse("admission:import"), {"package": f, "year": YEAR}, follow=True)
    assert any("受領できません" in m for m in _messages(r)), _messages(r)
    receipt = client.get(reverse("admission:receipt", args=[Application.objects.first().delivery_id]))
    assert b"yakuba-receipt" in receipt.content

    with write_income_csv(tmp_path / "income.csv", population.incomes, encoding="cp932").open("rb") as f:
        r = client.post(reverse("admission:income"), {"income": f, "year": YEAR}, follow=True)
    assert any("取り込みました" in m for m in _messages(r)), _messages(r)
    with write_facilities_csv(tmp_path / "f.csv", population.facilities).open("rb") as f:
        client.post(reverse("admission:round_create"), {"facilities": f, "year": YEAR})
    rnd = Round.objects.get()

    r = client.post(reverse("admission:round_compute", args=[rnd.pk]))
    assert r.status_code == 302 and "/jobs/" in r["Location"]
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--no-reload", verbosity=0)
    job = Job.objects.get(kind="admission.compute_round")
    assert job.status == Job.Status.DONE, job.message
    assert (job.done, job.total) == (3, 3)
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.COMPUTED

    page = client.get(reverse("admission:round", args=[rnd.pk])).content.decode()
    assert 'data-testid="results-table"' in page and "最低点" in page and "承認して公開する" not in page
    code, name, cap = population.facilities[0]
    r = client.post(reverse("admission:round_what_if", args=[rnd.pk]),
                    {"facility": code, "age": 1, "capacity": cap[1] + 5}, follow=True)
    assert 'data-testid="what-if"' in r.content.decode()
    assert rnd.results.filter(facility=code, age_class=1).count() <= cap[1]  # nothing saved
    result = rnd.results.filter(status=Result.Status.WAITING).first()
    child = client.get(reverse("admission:child", args=[result.pk])).content.decode()
    assert "保留" in child and result.text[:20] in child

    r = client.post(reverse("admission:round_approve", args=[rnd.pk]))
    assert r.status_code == 403  # staff may not approve
    boss = Client()
    boss.force_login(supervisor)
    r = boss.post(reverse("admission:round_approve", args=[rnd.pk]), follow=True)
    assert any("承認しました" in m for m in _messages(r)), _messages(r)

    # The letters and the CSV are bulk: they go through the export step and wait for the 所属長.
    pdf = _approved_download(client, boss, reverse("admission:round_notices", args=[rnd.pk]), {"kind": "waiting"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv = _approved_download(client, boss, reverse("admission:round_csv", args=[rnd.pk]), {})
    assert csv.content.decode("utf-8-sig").count("\r\n") == 62  # the watermark line, the header, 60 rows
    r = client.post(reverse("admission:round_second", args=[rnd.pk]), follow=True)
    assert Round.objects.filter(number=2, previous=rnd).exists()


def _approved_download(client: Client, boss: Client, url: str, data: dict):  # type: ignore[no-untyped-def]
    from yakuba.exports.models import Export

    r = client.post(url, {**data, "reason": "基幹系への登録"})
    assert r.status_code == 302 and r["Location"] == reverse("exports:list")
    export = Export.objects.filter(status=Export.Status.PENDING).latest("pk")
    boss.post(reverse("exports:decide", args=[export.pk]), {"decision": "approve"})
    return client.post(reverse("exports:download", args=[export.pk]))
