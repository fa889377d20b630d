"""Storing, reading and erasing encrypted files; every step audited."""

from __future__ import annotations

import io
import uuid
from typing import Any, BinaryIO, Iterable

from django.db import transaction
from django.utils import timezone

from yakuba import __version__
from yakuba.audit.log import record
from yakuba.files import staged
from yakuba.keyring import get_keyring
from yakuba.privacy import envelope, erasure
from yakuba.privacy.errors import DecryptionError, PrivacyError
from yakuba.vault.models import ErasureCertificate, StoredObject


class AlreadyErased(PrivacyError):
    exit_code = 1


def store(src: BinaryIO, *, kind: str, description: str, organisation: Any, user: Any = None,
          categories: Iterable[str] = (), batch: str = "") -> StoredObject:
    """Encrypt `src` with a fresh data key into the files folder and record it."""
    obj = StoredObject(id=uuid.uuid4(), kind=kind, description=description, organisation=organisation,
                       categories=sorted(set(categories)), batch=batch, created_by=user)
    path = obj.path
    path.parent.mkdir(parents=True, exist_ok=True)
    keyring = get_keyring()
    # The plaintext arrives as a stream; it is never written to disk unencrypted. The file is put
    # in place inside the transaction that records it: both, or neither.
    try:
        with staged(path) as out:
            data_key = envelope.new_data_key()
            info = envelope.encrypt_stream(src, out.file, data_key, str(obj.id))
            obj.wrapped_key = keyring.wrap(data_key, obj.context)
            obj.size, obj.plain_sha256, obj.cipher_sha256 = info.plain_size, info.plain_sha256, info.cipher_sha256
            with transaction.atomic():
                obj.save(force_insert=True)
                record("file.stored", actor=user, target=obj, categories=obj.categories,
                       detail={"kind": kind, "size": obj.size})
                out.commit()
    except BaseException:
        path.unlink(missing_ok=True)  # renamed, but the transaction did not commit
        raise
    return obj


def read(obj: StoredObject, dst: BinaryIO, *, user: Any = None, request: Any = None) -> None:
    """Decrypt into `dst`; the read is audited before any byte is written."""
    if obj.erased or obj.wrapped_key is None:
        raise AlreadyErased(f"ファイル {obj.id} は消去済みのため読み出せません。")
    record("file.read", request=request, actor=user, target=obj, categories=obj.categories)
    data_key = get_keyring().unwrap(bytes(obj.wrapped_key), obj.context)
    with open(obj.path, "rb") as fh:
        envelope.decrypt_stream(fh, dst, data_key, str(obj.id))


class OpenRange:
    """An open stored object for random access (``reader.read_range``); close it (or use `with`)."""

    def __init__(self, obj: StoredObject) -> None:
        if obj.erased or obj.wrapped_key is None:
            raise AlreadyErased(f"ファイル {obj.id} は消去済みのため読み出せません。")
        data_key = get_keyring().unwrap(bytes(obj.wrapped_key), obj.context)
        self._fh = open(obj.path, "rb")
        try:
            self.reader = envelope.RangeReader(self._fh, data_key, str(obj.id))
        except BaseException:
            self._fh.close()
            raise
        self.size = self.reader.size

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "OpenRange":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def open_range(obj: StoredObject) -> OpenRange:
    """Random access to a stored object's plaintext, decrypting only the chunks a range needs (an
    HTTP Range request of a long recording). Not audited here: the caller records the viewing it
    serves (yakuba.consult: one entry per view, its range requests tied to it by a view grant)."""
    return OpenRange(obj)


def read_bytes(obj: StoredObject, *, user: Any = None, request: Any = None) -> bytes:
    """The plaintext of a stored object, in memory (audited as `read`)."""
    buf = io.BytesIO()
    read(obj, buf, user=user, request=request)
    return buf.getvalue()


def _decrypts(obj: StoredObject, wrapped: bytes | None) -> bool:
    if wrapped is None or not obj.path.exists():
        return False
    try:
        key = get_keyring().unwrap(wrapped, obj.context)
        with open(obj.path, "rb") as fh:
            envelope.decrypt_stream(fh, io.BytesIO(), key, str(obj.id))
        return True
    except PrivacyError:
        return False


def erase(objects: Iterable[StoredObject], *, user: Any, summary: str,
          extra_items: Iterable[erasure.ErasedItem] = (), organisation: Any = None,
          verification_extra: str = "") -> ErasureCertificate:
    """Destroy each object's key and file, verify, and issue one signed certificate.

    The keys and the rows change in one transaction with the certificate and the audit entry.
    `extra_items` are listed first in the same certificate (what else the caller erased in this
    transaction, e.g. a case's rows); with them, `objects` may be empty and `organisation` names
    the issuer.
    """
    keyring = get_keyring()
    extra = list(extra_items)
    with transaction.atomic():
        objs = list(StoredObject.objects.select_for_update().filter(pk__in=[o.pk for o in objects]).order_by("created_at"))
        if not objs and not extra:
            raise PrivacyError("消去する対象がありません。")
        erased_now = [o for o in objs if o.erased]
        if erased_now:
            raise AlreadyErased(f"ファイル {erased_now[0].id} は既に消去されています。")
        items = list(extra)
        failures = []
        for obj in objs:
            old_key = bytes(obj.wrapped_key) if obj.wrapped_key is not None else None
            obj.wrapped_key = None
            obj.erased_at = timezone.now()
            gone = erasure.erase_file(obj.path)
            if not gone or _decrypts(obj, old_key):
                failures.append(str(obj.id))
            items.append(erasure.ErasedItem(object_id=str(obj.id), kind=obj.kind, description=obj.description,
                                            size=obj.size, cipher_sha256=obj.cipher_sha256))
        verification = (
            f"{len(objs)}件すべて: データ鍵を破棄し、暗号化ファイルの不存在と復号不能を確認した"
            if not failures else f"確認できなかった対象: {', '.join(failures)}"
        )
        if verification_extra:
            verification = f"{verification_extra}; {verification}"
        org = objs[0].organisation if objs else organisation
        body = erasure.issue_certificate(
            items, operator=user.username, organisation=org.code, tool=f"yakuba {__version__}",
            verification=verification, signing_key=keyring.signing_key(),
        )
        cert_info = erasure.verify_certificate(body, keyring.public_key_text())
        cert = ErasureCertificate.objects.create(
            id=uuid.UUID(str(cert_info.certificate_id)), body=body, issued_at=timezone.now(), operator=user,
            organisation=org, count=len(items), summary=summary[:200],
        )
        for obj in objs:
            obj.certificate = cert
            obj.save(update_fields=["wrapped_key", "erased_at", "certificate"])
        record("file.erased", actor=user, target=cert, categories=sorted({c for o in objs for c in o.categories}),
               detail={"objects": [str(o.id) for o in objs], "failures": failures})
    if failures:
        raise PrivacyError(f"消去を確認できなかった対象があります: {', '.join(failures)}")
    return cert


def rewrap_all(rewrap: Any) -> int:
    """For key rotation: re-wrap every live data key in one transaction."""
    count = 0
    with transaction.atomic():
        for obj in StoredObject.objects.select_for_update().filter(wrapped_key__isnull=False):
            obj.wrapped_key = rewrap(bytes(obj.wrapped_key), obj.context)
            obj.save(update_fields=["wrapped_key"])
            count += 1
        record("key.rotated", detail={"rewrapped": count})
    return count


__all__ = ["store", "read", "open_range", "OpenRange", "erase", "rewrap_all", "AlreadyErased", "DecryptionError"]
