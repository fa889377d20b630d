"""A delivered CSV starts with `#yakuba-export id=… user=… at=…` (after the BOM) and has the export
id in its file name; otherwise the results CSV is as docs/formats/admission-results.md says. An XML
file carries the same line as a comment."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.debit.conftest import water_user
from tests.exports.conftest import failed_debits, logged_in
from yakuba.accounts.roles import Role
from yakuba.admission.actions.notices import RESULTS_HEADER
from yakuba.exports.models import Export


@pytest.mark.django_db
def test_the_results_csv_has_the_header_line_and_the_id_in_its_name(round_approved) -> None:  # type: ignore[no-untyped-def]
    staff, supervisor, rnd = round_approved
    client = logged_in(staff)
    client.post(reverse("admission:round_csv", args=[rnd.pk]), {"reason": "基幹系への登録"})
    export = Export.objects.get()
    logged_in(supervisor).post(reverse("exports:decide", args=[export.pk]), {"decision": "approve"})
    r = client.post(reverse("exports:download", args=[export.pk]))
    assert f'filename="admission-results-{rnd.pk}-export{export.pk}.csv"' in r["Content-Disposition"]
    assert r.content.startswith("\ufeff#yakuba-export ".encode())
    text = r.content.decode("utf-8-sig")
    first, rest = text.split("\r\n", 1)
    assert first == f"#{export.watermark}" and first.startswith(f"#yakuba-export id={export.pk} user={staff.username} at=")
    rows = list(csv.reader(io.StringIO(rest)))  # an importer that skips the # line reads the documented file
    assert rows[0] == RESULTS_HEADER and len(rows) == 1 + rnd.results.count()


@pytest.mark.django_db
def test_the_pain008_file_carries_the_line_as_a_comment(settings) -> None:  # type: ignore[no-untyped-def]
    staff, run, _ = failed_debits(3)
    client = logged_in(water_user(Role.CITY_SUPERVISOR, "suido-sup"))
    r = client.post(reverse("debit:run_pain008", args=[run.pk]), follow=True)
    export = Export.objects.get()
    assert f"-export{export.pk}.xml" in r["Content-Disposition"]
    assert r.content.startswith(b"<?xml") and f"<!-- yakuba-export id={export.pk} ".encode() in r.content[:400]
    ET.fromstring(r.content)  # still well-formed
