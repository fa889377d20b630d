"""Creating, verifying and opening hand-over packages against this installation's records.

Packages come and go as paths, bytes or binary streams (``yakuba.privacy.package``); an accepted
package's files go into a folder or stay in memory (``accept(source, dest=None)``).
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from yakuba.accounts.models import Organisation
from yakuba.audit.log import record
from yakuba.handover.models import PackageRecord
from yakuba.keyring import get_keyring
from yakuba.privacy import package
from yakuba.privacy.errors import PrivacyError, ReplayError, TamperedError
from yakuba.privacy.receipt import issue_receipt, manifest_sha256, verify_receipt


class DbLedger:
    """The `Ledger` of `yakuba.privacy.package`: packages this installation accepted."""

    def last_sequence(self, sender: str, recipient: str) -> int | None:
        return (PackageRecord.objects.filter(direction=PackageRecord.Direction.RECEIVED, sender=sender, recipient=recipient)
                .aggregate(m=Max("sequence"))["m"])

    def seen(self, package_id: str) -> bool:
        return PackageRecord.objects.filter(direction=PackageRecord.Direction.RECEIVED, package_id=package_id).exists()


def organisation(code: str) -> Organisation:
    try:
        return Organisation.objects.get(code=code)
    except Organisation.DoesNotExist:
        raise PrivacyError(f"組織コード {code!r} の組織が登録されていません。") from None


def trusted_senders() -> dict[str, str]:
    return {o.code: o.public_key for o in Organisation.objects.exclude(public_key="")}


PackageFiles = Sequence[Path | tuple[str, package.FileSource]]
"""The files of a package to create: a path (named in the package by its file name), or a pair of
the name inside the package and its content (a path, ``bytes``, or a callable opening a stream)."""


def _named(files: PackageFiles) -> list[tuple[str, package.FileSource]]:
    return [f if isinstance(f, tuple) else (Path(f).name, Path(f)) for f in files]


def create(out: package.PackageOutput, files: PackageFiles, *, sender: str, recipient: str, purpose: str = "",
           passphrase: str | None = None, user: Any = None) -> package.Manifest:
    """Create, sign and record a package to ``recipient``: to a path (atomically) or into a binary stream."""
    sender_org, recipient_org = organisation(sender), organisation(recipient)
    if passphrase is None and not recipient_org.age_recipient:
        raise PrivacyError(f"送付先 {recipient} の暗号化の宛先(age)が登録されていません。パスフレーズ方式を使うか、宛先を登録してください。")
    with transaction.atomic():
        last = (PackageRecord.objects.select_for_update()
                .filter(direction=PackageRecord.Direction.SENT, sender=sender, recipient=recipient)
                .aggregate(m=Max("sequence"))["m"]) or 0
        manifest = package.create_package(
            out, _named(files), sender=sender_org.code, recipient=recipient_org.code,
            sequence=last + 1, purpose=purpose, signing_key=get_keyring().signing_key(),
            recipient_key=None if passphrase is not None else recipient_org.age_recipient, passphrase=passphrase,
        )
        _save(PackageRecord.Direction.SENT, manifest, user)
        record("package.created", actor=user, target_type="handover.package", target_id=str(manifest.package_id),
               detail={"sender": sender, "recipient": recipient, "sequence": manifest.sequence, "files": len(manifest.files)})
    return manifest


def _save(direction: str, manifest: package.Manifest, user: Any, **extra: Any) -> PackageRecord:
    return PackageRecord.objects.create(
        manifest_sha256=manifest_sha256(manifest), **extra,
        direction=direction, package_id=str(manifest.package_id), sender=manifest.sender, recipient=manifest.recipient,
        sequence=manifest.sequence, purpose=manifest.purpose[:200], file_count=len(manifest.files),
        total_size=manifest.total_size, manifest=json.loads(manifest.to_json()), by=user,
    )


def _reading(recipient: str, passphrase: str | None, name: str) -> dict[str, Any]:
    """The arguments every package reader takes, for this installation receiving as ``recipient``."""
    recipient_org = organisation(recipient)
    return dict(
        identity=None if passphrase is not None else get_keyring().age_identity(), passphrase=passphrase,
        trusted_senders=trusted_senders(), expected_recipient=recipient_org.code, ledger=DbLedger(), name=name,
    )


def _refused(name: str, exc: PrivacyError, recipient: str, user: Any) -> None:
    """Audit a refusal in a transaction of its own, so it outlives the rolled-back acceptance."""
    record("package.refused", actor=user, target_type="handover.package", target_id=name[:80],
           detail={"reason": type(exc).__name__, "recipient": recipient})


def verify(source: package.PackageInput, *, recipient: str, passphrase: str | None = None, user: Any = None,
           name: str | None = None) -> package.Manifest:
    """Check a package (a path, its bytes or a stream) completely, keeping nothing; audit the outcome.

    ``name`` names it in messages and in the audit (default: the file name, see ``package.source_name``).
    """
    name = package.source_name(source, name)
    try:
        manifest = package.verify_package(source, **_reading(recipient, passphrase, name))
    except PrivacyError as exc:
        _refused(name, exc, recipient, user)
        raise
    record("package.verified", actor=user, target_type="handover.package", target_id=str(manifest.package_id),
           detail={"sender": manifest.sender, "sequence": manifest.sequence})
    return manifest


@dataclass(frozen=True)
class Accepted:
    manifest: package.Manifest
    receipt: bytes
    """The signed receipt (受領書) to return to the sender."""
    files: dict[str, bytes] | None = None
    """The files (name inside the package → bytes) when accepted in memory; None when extracted to a folder."""


def accept(source: package.PackageInput, dest: Path | None = None, *, recipient: str, passphrase: str | None = None,
           user: Any = None, name: str | None = None, limit: int = package.MEMORY_LIMIT,
           with_receipt: Callable[[bytes], None] | None = None) -> Accepted:
    """Verify the package, then record it as accepted, so it can never be accepted again.

    ``source`` is a path, the package's bytes or a binary stream. With ``dest`` the files are
    extracted into that folder (one made here is removed again when the package is refused);
    without it they are kept in memory (``Accepted.files``, at most ``limit`` bytes in all) and
    nothing plaintext reaches the disk.

    ``with_receipt(receipt)`` is called inside the transaction that records the acceptance (the
    command writes the receipt file there): when it raises, the package is not accepted and the
    files extracted into ``dest`` are removed again, so that the same package can be opened anew.
    """
    name = package.source_name(source, name)
    extracted: list[Path] = []
    created = dest is not None and not dest.exists()
    if dest is not None:
        dest.mkdir(parents=True, exist_ok=True)
    try:
        with transaction.atomic():
            reading = _reading(recipient, passphrase, name)
            files: dict[str, bytes] | None = None
            if dest is None:
                manifest, files = package.open_package_to_memory(source, limit=limit, **reading)
            else:
                manifest = package.open_package(source, dest, **reading)
                extracted = [dest / top for top in dict.fromkeys(f.path.split("/", 1)[0] for f in manifest.files)]
            receipt = issue_receipt(manifest, accepted_by=getattr(user, "username", "") or f"{recipient} (yakuba)",
                                    signing_key=get_keyring().signing_key())
            try:
                with transaction.atomic():
                    _save(PackageRecord.Direction.RECEIVED, manifest, user, receipt=receipt, receipt_at=timezone.now())
            except IntegrityError:  # accepted by another process a moment ago
                raise ReplayError("このパッケージは既に受領済みです(同時に受領されました)。", where=str(manifest.package_id)) from None
            record("package.accepted", actor=user, target_type="handover.package", target_id=str(manifest.package_id),
                   detail={"sender": manifest.sender, "sequence": manifest.sequence, "files": len(manifest.files)})
            if with_receipt is not None:
                with_receipt(receipt)
    except BaseException as exc:
        for path in extracted:  # verified and moved in by this call, but not accepted: taken back
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        if created and dest is not None and dest.is_dir() and not any(dest.iterdir()):
            dest.rmdir()
        if isinstance(exc, PrivacyError):
            _refused(name, exc, recipient, user)
        raise
    return Accepted(manifest, receipt, files)


def confirm_receipt(data: bytes, *, user: Any = None) -> PackageRecord:
    """Sender side: check the recipient's receipt against what was sent, and record it."""
    try:
        package_id = str(json.loads(data.decode("utf-8"))["receipt"]["package_id"])
    except (UnicodeError, ValueError, KeyError, TypeError):
        raise TamperedError("受領書として読めません。", where="document") from None
    with transaction.atomic():
        sent = (PackageRecord.objects.select_for_update()
                .filter(direction=PackageRecord.Direction.SENT, package_id=package_id).first()
                if _is_uuid(package_id) else None)
        if sent is None:
            raise TamperedError(f"パッケージ {package_id} は当組織から送付した記録がありません。", where="package_id")
        recipient_org = organisation(sent.recipient)
        receipt = verify_receipt(data, recipient_org.public_key)
        if receipt.manifest_sha256 != sent.manifest_sha256:
            raise TamperedError("受領されたマニフェストが送付したものと異なります。", where="manifest_sha256")
        sent.receipt, sent.receipt_at = data, timezone.now()
        sent.save(update_fields=["receipt", "receipt_at"])
        record("package.receipt", actor=user, target_type="handover.package", target_id=package_id,
               detail={"recipient": sent.recipient, "sequence": sent.sequence})
    return sent


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
