"""Recording a machine's retired storage: the contractor's certificate is verified first. A SHA-256
that is not the file's, or a signature that does not verify with the contractor's registered key,
is refused with one line and logged to yakuba.security (nothing recorded, nothing stored); a
matching one is recorded with the file in the vault and listed for the council."""

from __future__ import annotations

import hashlib
import logging

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from tests import factories
from tests.badinput.helpers import yakuba
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.consult.models import ContractorKey, StorageDisposal
from yakuba.privacy._common import b64, public_key_text
from yakuba.vault import service as vault
from yakuba.vault.models import StoredObject

CERT = b"%PDF-1.4\n% synthetic certificate of destruction: asset PC-0042, serial WD-TEST-1\n%%EOF\n"


@pytest.mark.django_db
def test_it_refuses_a_disposal_certificate_whose_sha256_or_signature_is_wrong(tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    chief = factories.user(Role.CENTER_SUPERVISOR, "chief")
    contractor = Ed25519PrivateKey.generate()
    stranger = Ed25519PrivateKey.generate()
    cert = tmp_path / "destruction.pdf"
    cert.write_bytes(CERT)
    good_sig, bad_sig = tmp_path / "good.sig", tmp_path / "bad.sig"
    good_sig.write_text(b64(contractor.sign(CERT)))
    bad_sig.write_bytes(stranger.sign(CERT))
    sha = hashlib.sha256(CERT).hexdigest()
    base = ["consult", "record-disposal", "--as", "chief", "--asset", "PC-0042", "--serial", "WD-TEST-1",
            "--retired-on", "2026-04-01", "--contractor", "試験リサイクル株式会社", "--certificate", str(cert)]
    key = ["--public-key", public_key_text(contractor.public_key())]

    caplog.set_level(logging.WARNING, logger="yakuba.security")
    wrong_sha = yakuba(*base, "--sha256", hashlib.sha256(b"another file").hexdigest())
    assert wrong_sha.code == 1 and wrong_sha.one_line and "SHA-256が一致しません" in wrong_sha.err, wrong_sha.err
    bad = yakuba(*base, "--sha256", sha, "--signature", str(bad_sig), *key)
    assert bad.code == 1 and bad.one_line and "署名が正しくありません" in bad.err, bad.err
    assert not StorageDisposal.objects.exists() and not StoredObject.objects.exists()
    assert not ContractorKey.objects.exists()  # a key whose first signature fails is not registered
    security = [r for r in caplog.records if r.name == "yakuba.security"]
    assert len(security) == 2
    assert AuditEntry.objects.filter(action="consult.disposal.refused").count() == 2
    not_hex = yakuba(*base, "--sha256", "xyz")
    assert not_hex.code == 1 and not_hex.one_line and "64桁" in not_hex.err

    ok = yakuba(*base, "--sha256", sha.upper(), "--signature", str(good_sig), *key)
    assert ok.code == 0, ok.err
    d = StorageDisposal.objects.get()
    assert d.certificate_sha256 == sha and d.signed and d.signature_key.contractor == "試験リサイクル株式会社"
    assert vault.read_bytes(d.certificate_file) == CERT
    again = yakuba(*base, "--sha256", sha)
    assert again.code == 1 and again.one_line and "記録済み" in again.err

    # the registered key is the contractor's from now on: a signature by another key is refused
    other = [a if a != "WD-TEST-1" else "WD-TEST-2" for a in base]
    stranger_key = ["--public-key", public_key_text(stranger.public_key())]
    swapped = yakuba(*other, "--sha256", sha, "--signature", str(bad_sig), *stranger_key)
    assert swapped.code == 1 and swapped.one_line and "違う鍵" in swapped.err
    forged = yakuba(*other, "--sha256", sha, "--signature", str(bad_sig))
    assert forged.code == 1 and forged.one_line and "署名が正しくありません" in forged.err
    assert StorageDisposal.objects.count() == 1

    council = Client()
    council.force_login(factories.user(Role.COUNCIL_MEMBER, "council-1"))
    body = council.get("/consult/disposals/").content.decode()
    assert "PC-0042" in body and sha in body and "検証済み" in body and "検証して記録する" not in body

    # the page refuses a wrong SHA-256 the same way
    web = Client()
    web.force_login(chief)
    with cert.open("rb") as fh:
        response = web.post("/consult/disposals/", {"asset_id": "PC-0043", "serial": "WD-TEST-3",
                                                    "retired_on": "2026-04-02", "contractor": "試験リサイクル株式会社",
                                                    "certificate": fh, "sha256": "0" * 64}, follow=True)
    assert response.status_code == 200 and "SHA-256が一致しません" in response.content.decode()
    assert StorageDisposal.objects.count() == 1
