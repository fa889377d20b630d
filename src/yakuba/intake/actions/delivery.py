"""Delivery: the 責任者 exports a ready batch as a signed package encrypted for the city, hands it
over, registers the city's receipt — and then the batch's scans are erased, the certificate kept.

The format is ``yakuba.delivery`` (``docs/formats/intake-delivery.md``); what is the vendor's own
is here: how an intake Application becomes a delivered record, and what the header says of a batch.
There is no income anywhere in it: 所得割額 joins on the city side only.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba import delivery
from yakuba.accounts.models import Organisation
from yakuba.audit.log import record
from yakuba.handover import service as handover
from yakuba.intake import fields as form
from yakuba.intake import storage
from yakuba.intake.actions import records
from yakuba.intake.errors import FieldRefused, IntakeError
from yakuba.intake.models import Application, Batch, FieldValue, Page, Scan
from yakuba.cityprofile.load import current as city_profile
from yakuba.privacy.errors import PrivacyError
from yakuba.vault import service as vault
from yakuba.vault.models import ErasureCertificate, StoredObject

DEFAULT_RECIPIENT = "kodomo"


# --------------------------------------------------------------------------- what is delivered


def delivered_record(app: Application) -> dict[str, Any]:
    """One application as delivered (``app`` is an intake Application made from a page)."""
    page = app.page
    counts = {"accepted": 0, "verified": 0}
    for status in page.fields.values_list("status", flat=True):
        if status in counts:
            counts[status] += 1
    return {
        "receipt_number": app.receipt_number,
        "batch": app.batch.code,
        "page": page.label,
        "scan_page": page.name,
        "fields": {f.id: str(app.values.get(f.id, "")) for f in form.form_fields()},
        "base_points": {
            "total": app.base_points or 0,
            "lines": [{"guardian": x["guardian"], "reason": x["reason"], "points": x["points"]} for x in app.points_lines],
            "problems": list(app.points_problems),
            "confirmed_by_responsible": bool(app.points_problems),
        },
        "verification": counts,
    }


def delivered_header(batch: Batch, recipient: str) -> dict[str, Any]:
    """The batch as the header tells it (``records`` is counted by ``yakuba.delivery.files``)."""
    template = city_profile().load_template()
    return {
        "batch": batch.code,
        "name": batch.name,
        "sender": batch.vendor.code,
        "recipient": recipient,
        "template": template.id,
        "fields": len(template.fields),
        "points_table": city_profile().points.title,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
    }


def recipients() -> Any:
    """The city departments a package can be encrypted for."""
    return Organisation.objects.filter(kind=Organisation.Kind.CITY_DEPARTMENT).exclude(age_recipient="")


# --------------------------------------------------------------------------- the package


def _check_responsible(user: Any, message: str) -> None:
    if not form.is_responsible(user):
        raise FieldRefused(message)


def check_export(batch: Batch, user: Any) -> None:
    _check_responsible(user, "納品は委託先責任者が行います。")
    records.refresh_batch(batch)
    if batch.status != Batch.Status.READY:
        raise IntakeError("確認待ちの欄・ページ・申請が残っているため、まだ納品できません。")


def do_export_batch(batch: Batch, user: Any, recipient: str = DEFAULT_RECIPIENT) -> Batch:
    """The batch's records as a signed package encrypted for the city; kept (encrypted) to hand over."""
    check_export(batch, user)
    apps = list(batch.applications.select_related("page", "batch").order_by("receipt_number"))
    contents = delivery.files(delivered_header(batch, recipient), [delivered_record(a) for a in apps])
    try:
        with storage.files_removed_on_failure() as stored, transaction.atomic():
            out = io.BytesIO()  # the package is encrypted; its plaintext never exists outside memory
            manifest = handover.create(out, contents, sender=batch.vendor.code, recipient=recipient,
                                       purpose=f"保育所等入園申請データの納品 {batch.code}", user=user)
            obj = storage.store(stored, out.getvalue(), kind=StoredObject.Kind.PACKAGE, batch=batch, user=user,
                                description=f"入園申請データの納品パッケージ {batch.code}",
                                categories=form.page_categories(personal=True))
            batch.status, batch.recipient, batch.package_id = Batch.Status.DELIVERED, recipient, manifest.package_id
            batch.package_file, batch.delivered_at = obj, timezone.now()
            batch.save(update_fields=["status", "recipient", "package_id", "package_file", "delivered_at"])
            batch.applications.update(status=Application.Status.DELIVERED)
            record("intake.batch.delivered", actor=user, target=batch,
                   detail={"package": str(manifest.package_id), "records": len(apps), "recipient": recipient})
    except PrivacyError as exc:
        raise IntakeError(f"納品パッケージを作れません: {exc}") from None
    return batch


def package_bytes(batch: Batch, user: Any, request: Any = None) -> bytes:
    """The package to hand over (downloaded by the 責任者; the download is audited)."""
    _check_responsible(user, "納品パッケージは委託先責任者が扱います。")
    if batch.package_file is None:
        raise IntakeError("このバッチはまだ納品されていません。")
    if batch.package_file.erased:
        raise IntakeError("納品パッケージは受領確認後に消去されました。")
    data = storage.read_stored(batch.package_file, user, request)
    record("intake.package.downloaded", request=request, actor=user, target=batch,
           detail={"package": str(batch.package_id)})
    return data


# --------------------------------------------------------------------------- the receipt and the erasure


def _refused(batch: Batch, user: Any, request: Any, reason: str, message: str) -> IntakeError:
    record("intake.receipt.refused", request=request, actor=user, target=batch, detail={"reason": reason})
    return IntakeError(message)


def check_receipt(batch: Batch, data: bytes, user: Any, request: Any = None) -> None:
    """The city's receipt names this batch's package; a refusal is audited with its reason."""
    _check_responsible(user, "受領書の確認は委託先責任者が行います。")
    if batch.status != Batch.Status.DELIVERED or batch.package_id is None:
        raise _refused(batch, user, request, "not_waiting", "このバッチは受領書を待っていません。")
    try:
        package_id = str(json.loads(data.decode("utf-8"))["receipt"]["package_id"])
    except (UnicodeError, ValueError, KeyError, TypeError):
        raise _refused(batch, user, request, "unreadable",
                       "受領書として読めません。市から返された受領書(JSON)を選んでください。") from None
    if package_id != str(batch.package_id):
        raise _refused(batch, user, request, "other_package",
                       "この受領書は、このバッチの納品パッケージのものではありません。")


def do_receive_receipt(batch: Batch, data: bytes, user: Any, request: Any = None) -> ErasureCertificate:
    """The city's signed receipt for this batch's package → erase the batch's scans, keep the certificate.

    A receipt that does not verify, or is for another package, is refused, audited, and erases nothing.
    """
    check_receipt(batch, data, user, request)
    try:
        sent = handover.confirm_receipt(data, user=user)
    except PrivacyError as exc:
        raise _refused(batch, user, request, type(exc).__name__, f"受領書を確認できません: {exc}") from None
    batch.receipt_at = sent.receipt_at
    batch.save(update_fields=["receipt_at"])
    return do_erase_batch(batch, user)


def do_erase_batch(batch: Batch, user: Any) -> ErasureCertificate:
    """Erase every file of the batch (scans, page images, the package), and what the database held of it."""
    if batch.receipt_at is None:
        raise IntakeError("市の受領確認の前には消去できません。")
    live = StoredObject.objects.filter(batch=batch.vault_tag, erased_at__isnull=True)
    if live.exists():
        cert = vault.erase(list(live), user=user,
                           summary=f"入園申請書スキャン {batch.code}({batch.scan_count}ファイル・{batch.page_count}ページ)と納品パッケージ")
    else:  # erased before, the batch not yet marked (a crash in between)
        done = StoredObject.objects.filter(batch=batch.vault_tag, certificate__isnull=False).order_by("-erased_at").first()
        if done is None or done.certificate is None:
            raise IntakeError("消去する対象がありません。")
        cert = done.certificate
    with transaction.atomic():
        fields_deleted, _ = FieldValue.objects.filter(page__batch=batch).delete()
        records_deleted, _ = Application.objects.filter(batch=batch).delete()
        Page.objects.filter(batch=batch).update(name="")
        Scan.objects.filter(batch=batch).update(file_name="")
        batch.status, batch.certificate, batch.erased_at = Batch.Status.ERASED, cert, timezone.now()
        batch.save(update_fields=["status", "certificate", "erased_at"])
        record("intake.batch.erased", actor=user, target=batch,
               detail={"certificate": str(cert.id), "files": cert.count, "records": records_deleted,
                       "fields": fields_deleted})
    return cert
