"""Encrypted files: per-object keys; erasure destroys key and file and issues a signed certificate."""

from __future__ import annotations

import io
import json

import pytest

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.keyring import get_keyring
from yakuba.privacy.errors import CertificateError
from yakuba.privacy.erasure import verify_certificate
from yakuba.vault import service
from yakuba.vault.models import StoredObject

SCAN = b"P5 4 2 255\n" + bytes(range(8)) * 1000


@pytest.fixture
def stored(db):  # type: ignore[no-untyped-def]
    user = factories.user(Role.VENDOR_RESPONSIBLE)
    objs = [service.store(io.BytesIO(SCAN + bytes([i])), kind="scan", description=f"試験スキャン {i}",
                          organisation=user.organisation, user=user, categories=["name"], batch="B1")
            for i in range(3)]
    return user, objs


def test_it_stores_encrypted_and_reads_back(stored) -> None:  # type: ignore[no-untyped-def]
    user, objs = stored
    raw = objs[0].path.read_bytes()
    assert SCAN[:200] not in raw  # the file on disk is ciphertext
    out = io.BytesIO()
    service.read(objs[0], out, user=user)
    assert out.getvalue() == SCAN + b"\x00"
    assert AuditEntry.objects.filter(action="file.read", target_id=str(objs[0].pk)).exists()


def test_each_object_has_its_own_key(stored) -> None:  # type: ignore[no-untyped-def]
    _, objs = stored
    keys = {get_keyring().unwrap(bytes(o.wrapped_key), o.context) for o in objs}
    assert len(keys) == 3


@pytest.mark.smoke
def test_erasure_destroys_key_and_file_and_the_certificate_verifies(stored) -> None:  # type: ignore[no-untyped-def]
    user, objs = stored
    cert = service.erase(objs, user=user, summary="試験バッチ B1")
    for obj in StoredObject.objects.filter(pk__in=[o.pk for o in objs]):
        assert obj.wrapped_key is None and obj.erased_at is not None and obj.certificate_id == cert.id
        assert not obj.path.exists()
        with pytest.raises(service.AlreadyErased):
            service.read(obj, io.BytesIO(), user=user)
    info = verify_certificate(bytes(cert.body), get_keyring().public_key_text())
    assert info.count == 3
    body = json.loads(bytes(cert.body))
    text = json.dumps(body, ensure_ascii=False)
    assert all(str(o.pk) in text for o in objs)


def test_a_forged_certificate_does_not_verify(stored) -> None:  # type: ignore[no-untyped-def]
    user, objs = stored
    cert = service.erase(objs, user=user, summary="試験バッチ B1")
    body = bytes(cert.body)
    forged = body.replace(b'"count": 3', b'"count": 2') if b'"count": 3' in body else body.replace(b"3", b"2", 1)
    assert forged != body
    with pytest.raises(CertificateError):
        verify_certificate(forged, get_keyring().public_key_text())


def test_erasing_twice_is_refused(stored) -> None:  # type: ignore[no-untyped-def]
    user, objs = stored
    service.erase(objs[:1], user=user, summary="1件")
    with pytest.raises(service.AlreadyErased):
        service.erase(objs[:1], user=user, summary="1件")


def test_key_rotation_keeps_every_file_readable(stored) -> None:  # type: ignore[no-untyped-def]
    user, objs = stored
    keyring = get_keyring()
    before = keyring.current_key_id
    keyring.rotate(service.rewrap_all)
    assert get_keyring().current_key_id != before
    assert before not in get_keyring().master_key_ids()
    for obj in StoredObject.objects.filter(pk__in=[o.pk for o in objs]):
        out = io.BytesIO()
        service.read(obj, out, user=user)
        assert out.getvalue().startswith(SCAN)
