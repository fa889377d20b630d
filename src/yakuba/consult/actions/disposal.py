"""Disposal of storage (issue #13 §8, the council's worry: a leak came from a disposal contractor).

    key = do_register_contractor_key(user, contractor="…", public_key="ed25519:…")   # once per contractor
    d = do_record_disposal(user, asset_id="PC-0042", serial="S3Z9…", retired_on=…, contractor="…",
                           certificate=pdf_bytes, certificate_name="cert.pdf", sha256="…", signature=sig)

The contractor's certificate is checked before anything is recorded (yakuba.privacy.disposal): the
SHA-256 the contractor stated must be the file's; a detached Ed25519 signature, where given, must
verify with the contractor's registered key. A mismatch is refused (one line) and logged to
``yakuba.security`` and the audit log. The file is stored encrypted in the vault.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import ContractorKey, StorageDisposal
from yakuba.privacy._common import load_public_key, public_key_id, public_key_text
from yakuba.privacy.disposal import check_contractor_certificate
from yakuba.privacy.errors import PrivacyError, TamperedError
from yakuba.vault import service as vault

__all__ = ["RECORDERS", "check_recorder", "do_register_contractor_key", "do_record_disposal"]

security = logging.getLogger("yakuba.security")

RECORDERS = (Role.CENTER_SUPERVISOR, Role.CITY_SUPERVISOR, Role.ADMIN)
"""Who records a machine's retired storage: the センター長, a city 所属長, an administrator."""

_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z._:/-]{0,79}")


def check_recorder(user: Any) -> None:
    if user is None or not getattr(user, "is_active", False) or getattr(user, "role", None) not in RECORDERS:
        raise ConsultError("記憶装置の廃棄を記録できるのはセンター長・市の所属長・システム管理者だけです。", where="user")


def _contractor(name: Any) -> str:
    text = " ".join(str(name or "").split())
    if not text or len(text) > 100:
        raise ConsultError("委託業者の名前を100文字以内で入力してください。", where="contractor")
    return text


def _key_text(text: Any) -> str:
    try:
        return public_key_text(load_public_key(str(text or "")))
    except PrivacyError as exc:
        raise ConsultError(exc.message, where="public_key") from None


def do_register_contractor_key(user: Any, *, contractor: str, public_key: str, request: Any = None) -> ContractorKey:
    """A contractor's public key, registered once (a different key later is refused: a key is not replaced here)."""
    check_recorder(user)
    contractor, text = _contractor(contractor), _key_text(public_key)
    existing = ContractorKey.objects.filter(contractor=contractor).first()
    if existing is not None:
        if existing.public_key == text:
            return existing
        raise ConsultError(f"委託業者「{contractor}」には別の公開鍵(鍵ID {existing.key_id})が登録されています。", where="public_key")
    with transaction.atomic():
        key = ContractorKey.objects.create(contractor=contractor, public_key=text, key_id=public_key_id(load_public_key(text)),
                                           registered_by=user, registered_at=timezone.now())
        record("consult.disposal.key_registered", request=request, actor=user, target=key,
               detail={"contractor": contractor, "key_id": key.key_id})
    return key


def _refused(user: Any, request: Any, why: str, **detail: Any) -> None:
    security.warning("記憶装置の廃棄証明書を拒否しました (disposal certificate refused): %s %s", why, detail)
    record("consult.disposal.refused", request=request, actor=user, detail={"why": why, **detail})


def do_record_disposal(user: Any, *, asset_id: str, serial: str, retired_on: dt.date, contractor: str,
                       certificate: bytes, certificate_name: str, sha256: str, signature: bytes | None = None,
                       public_key: str | None = None, request: Any = None) -> StorageDisposal:
    check_recorder(user)
    asset_id, serial = str(asset_id or "").strip(), str(serial or "").strip()
    if not _ID.fullmatch(asset_id):
        raise ConsultError("機器の資産番号は英数字と . _ : / - で80文字以内です。", where="asset_id")
    if not _ID.fullmatch(serial):
        raise ConsultError("記憶装置のシリアル番号は英数字と . _ : / - で80文字以内です。", where="serial")
    if not isinstance(retired_on, dt.date) or retired_on > timezone.localdate():
        raise ConsultError("廃棄日は今日までの日付にしてください。", where="retired_on")
    contractor = _contractor(contractor)
    name = " ".join(str(certificate_name or "").split())[:200] or "certificate"
    if StorageDisposal.objects.filter(asset_id=asset_id, serial=serial).exists():
        raise ConsultError(f"機器 {asset_id} の記憶装置 {serial} の廃棄は記録済みです。", where="serial")
    key = ContractorKey.objects.filter(contractor=contractor).first()
    if public_key is not None and str(public_key).strip():
        given = _key_text(public_key)
        if key is not None and key.public_key != given:
            _refused(user, request, "another key", contractor=contractor, asset_id=asset_id)
            raise ConsultError(f"委託業者「{contractor}」に登録された公開鍵(鍵ID {key.key_id})と違う鍵です。拒否しました。",
                               where="public_key")
    else:
        given = None
    try:
        checked = check_contractor_certificate(certificate, sha256, signature=signature,
                                               public_key=key.public_key if key is not None else given)
    except TamperedError as exc:
        _refused(user, request, exc.where or "tampered", contractor=contractor, asset_id=asset_id, serial=serial)
        raise ConsultError(f"{exc.message}。記録を拒否しました。", where=exc.where) from None
    except PrivacyError as exc:
        raise ConsultError(exc.message, where=exc.where) from None
    org = user.organisation
    if org is None:
        raise ConsultError("記録する職員の組織が登録されていません。", where="user")
    with transaction.atomic():
        if key is None and given is not None:
            key = do_register_contractor_key(user, contractor=contractor, public_key=given, request=request)
        stored = vault.store(io.BytesIO(certificate), kind="attachment",
                             description=f"記憶装置の廃棄証明書 機器 {asset_id} シリアル {serial}", organisation=org,
                             user=user, batch=f"disposal:{asset_id}")
        disposal = StorageDisposal.objects.create(
            organisation=org, asset_id=asset_id, serial=serial, retired_on=retired_on, contractor=contractor,
            certificate_file=stored, certificate_name=name, certificate_sha256=checked.sha256,
            signature_key=key if checked.key_id else None, recorded_by=user, recorded_at=timezone.now())
        record("consult.disposal.recorded", request=request, actor=user, target=disposal,
               detail={"asset_id": asset_id, "serial": serial, "sha256": checked.sha256,
                       "signed": checked.key_id is not None, "key_id": checked.key_id})
    return disposal
