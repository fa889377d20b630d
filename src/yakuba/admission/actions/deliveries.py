"""The vendor's delivery package (`docs/formats/intake-delivery.md`): accepted, or refused and audited.

`do_import_package` opens the package through the hand-over service (signature, recipient,
sequence, manifest), reads the delivery and creates one `Application` per record with its 基準点,
matched to the 住民記録. A tampered, replayed or foreign package is refused as a whole and the
refusal audited (`admission.import.refused`); nothing of it stays.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from yakuba.admission.actions.applications import check_new_receipt, match_residents
from yakuba.admission.config import ORGANISATION
from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Application, Delivery
from yakuba.audit.log import record
from yakuba.delivery import DeliveryError, read
from yakuba.delivery import Delivery as Content
from yakuba.handover.service import Accepted, accept
from yakuba.ocr.canonical import text as canonical  # the delivery's canonical text: NFKC, one space
from yakuba.privacy.errors import PrivacyError
from yakuba.privacy.package import PackageInput, source_name

WISHES = ("wish1", "wish2", "wish3", "wish4", "wish5")


def do_import_package(source: PackageInput, user: Any, *, admission_year: int, passphrase: str | None = None,
                      name: str | None = None) -> Delivery:
    """Accept the vendor's package, create its applications, keep the signed receipt (`Delivery`).

    Refused (and audited as `admission.import.refused`): a package whose signature, recipient,
    sequence or manifest does not verify, one already accepted (replay), or a content that is not
    `yakuba-intake-delivery/1`. ``source`` is a path, the package's bytes or a binary stream (an
    upload), ``name`` how the audit names it. The decrypted files are only ever in memory.
    """
    name = source_name(source, name)
    try:
        with transaction.atomic():  # a refused content rolls the acceptance back with it
            accepted, content = _open(source, user, passphrase, name)
            header, rows = content.header, content.records
            delivery = Delivery.objects.create(
                package_id=str(accepted.manifest.package_id), sender=accepted.manifest.sender, batch=header["batch"],
                name=str(header.get("name", ""))[:100], records=len(rows), receipt=accepted.receipt, by=user)
            received = _receipt_date(header)
            apps = [_application_from(row, delivery, admission_year, received) for row in rows]
            for app in apps:
                match_residents(app)
                app.save()
            record("admission.import.accepted", actor=user, target=delivery,
                   detail={"package_id": str(delivery.package_id), "records": len(apps),
                           "matched": sum(a.match == Application.Match.MATCHED for a in apps)})
    except PrivacyError as exc:
        _refused(name, user, type(exc).__name__)
        raise AdmissionError(f"納品パッケージを受領できません: {exc}") from None
    except (DeliveryError, AdmissionError) as exc:
        _refused(name, user, "content")
        raise AdmissionError(f"納品パッケージを受領できません: {exc}") from None
    return delivery


def _refused(name: str, user: Any, reason: str) -> None:
    record("admission.import.refused", actor=user, target_type="handover.package", target_id=name[:80],
           detail={"reason": reason})


def _open(source: PackageInput, user: Any, passphrase: str | None, name: str) -> tuple[Accepted, Content]:
    """The package accepted by the hand-over service, its files kept in memory, and the delivery
    they hold for this department (DeliveryError when they are not one)."""
    accepted = accept(source, recipient=ORGANISATION, passphrase=passphrase, user=user, name=name)
    return accepted, read(accepted.files or {}, recipient=ORGANISATION)


def _receipt_date(header: dict) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(header["created_at"]).date()
    except (KeyError, ValueError, TypeError):
        return None


def _application_from(row: dict, delivery: Delivery, admission_year: int, received: dt.date | None) -> Application:
    f = row["fields"]
    try:
        birth = dt.date.fromisoformat(f.get("child_birth", ""))
    except ValueError:
        raise AdmissionError(f"受付番号 {row['receipt_number']}: 児童の生年月日がありません。") from None
    points = row.get("base_points") or {}
    check_new_receipt(admission_year, row["receipt_number"])
    return Application(
        admission_year=admission_year, receipt_number=row["receipt_number"], receipt_date=received,
        source=Application.Source.PACKAGE, delivery=delivery, page=row.get("page", ""),
        child_name=canonical(f.get("child_name", "")), child_kana=canonical(f.get("child_kana", "")), child_birth=birth,
        address=canonical(f.get("address", "")), postal_code=f.get("postal_code", ""), phone=f.get("phone", ""),
        guardian1_name=canonical(f.get("guardian1_name", "")), guardian2_name=canonical(f.get("guardian2_name", "")),
        wishes=[f[k] for k in WISHES if f.get(k)],
        start_month=f.get("start_month", ""), base_points=int(points.get("total") or 0),
        points_lines=list(points.get("lines") or []), points_problems=list(points.get("problems") or []),
    )
