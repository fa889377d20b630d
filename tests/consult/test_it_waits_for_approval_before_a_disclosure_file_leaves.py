"""A share sent as a file leaves through the one export step: it waits for the センター長 (never the
worker who asked), is watermarked, signed by the installation's key, and holds the chosen fields only."""

from __future__ import annotations

import pytest

from tests.consult.helpers import MARKERS, logged_in, sharing_world
from yakuba.consult import package_format
from yakuba.consult.models import Disclosure
from yakuba.exports.models import Export
from yakuba.keyring import get_keyring


@pytest.mark.django_db
def test_it_waits_for_approval_before_a_disclosure_file_leaves() -> None:
    s = sharing_world()
    case, worker = s.w.case, s.w.worker
    client = logged_in(worker)
    r = client.post(f"/consult/cases/{case.pk}/share/", {
        "organisation": s.agency_b.pk, "basis": "statute", "statute": "disability_abuse_7",
        "chosen": ["person.name", "assessment.risks"], "form": "package"})
    assert r.status_code == 302 and r["Location"] == "/exports/"
    d = Disclosure.objects.get()
    export = Export.objects.get(kind="consult.disclosure")
    assert export.status == Export.Status.PENDING and export.params == {"disclosure": d.pk}

    early = client.post(f"/exports/{export.pk}/download/", follow=True)
    assert MARKERS["name"].encode() not in early.content and "承認" in early.content.decode()
    assert logged_in(worker).post(f"/exports/{export.pk}/decide/", {"decision": "approve"}).status_code == 403

    chief = logged_in(s.w.chief)
    assert f"{export.pk}" in chief.get("/exports/").content.decode()
    chief.post(f"/exports/{export.pk}/decide/", {"decision": "approve"})
    export.refresh_from_db()
    assert export.status == Export.Status.APPROVED and export.decided_by_id == s.w.chief.pk

    file = client.post(f"/exports/{export.pk}/download/")
    assert file.status_code == 200 and file["X-Yakuba-Watermark"].startswith(f"yakuba-export id={export.pk}")
    data = file.content
    assert f"yakuba-export id={export.pk}".encode() in data
    body = package_format.verify(data, get_keyring().public_key_text())
    assert body["fields"] == {"person.name": MARKERS["name"], "assessment.risks": MARKERS["risks"]}
    assert body["recipient"] == s.agency_b.code and body["case"] == case.number
    for key in ("worry", "situation", "health", "said", "address"):
        assert MARKERS[key].encode() not in data
    with pytest.raises(package_format.BadDisclosureFile):
        package_format.verify(data.replace(MARKERS["risks"].encode(), b"MARKER-RISK-0000"),
                              get_keyring().public_key_text())
