"""Synthetic scanned forms for the intake tests, read once per run with the real OCR.

`synth` makes the forms (invented people, みどり市's postal codes); reading a page with rapidocr
takes about half a second, so each distinct page is read once and its result reused (`cached_read`).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SEED = 20261127
_READ: dict[str, Any] = {}


@lru_cache(maxsize=4)
def scans(folder: str, count: int = 3) -> tuple[tuple[str, bytes, dict[str, str]], ...]:
    """(file name, PNG bytes, truth) of `count` synthetic scanned forms."""
    from yakuba.ocr.synth import synth

    truth_path = synth(count, SEED, folder)
    truth = {}
    for line in truth_path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        truth[item["page"]] = item["fields"]
    return tuple((name, (Path(folder) / name).read_bytes(), fields) for name, fields in sorted(truth.items()))


def cached_read(real):  # type: ignore[no-untyped-def]
    def read(image, name):  # type: ignore[no-untyped-def]
        key = hashlib.sha256(image.tobytes()).hexdigest() + f"{image.shape}"
        if key not in _READ:
            _READ[key] = real(image, name)
        result = _READ[key]
        result.page = name
        return result
    return read


def city():  # type: ignore[no-untyped-def]
    """子ども家庭課 and the vendor with this installation's keys (as in the demo, one installation
    plays both sides): the package is encrypted for the city, the receipt signed by it."""
    from tests import factories
    from yakuba.keyring import get_keyring

    keyring = get_keyring()
    for code in ("kodomo", "vendor-entry"):
        org = factories.org(code)
        org.public_key, org.age_recipient = keyring.public_key_text(), keyring.age_recipient()
        org.save()
    return factories.org("kodomo")


def make_batch(uploads, user, name: str = "試験便"):  # type: ignore[no-untyped-def]
    from tests import factories
    from yakuba.intake.actions import reading, upload

    batch = upload.do_create_batch(factories.org("vendor-entry"), name,
                                   [upload.Upload(n, data) for n, data, _ in uploads], user)
    return reading.do_read_batch(batch, user)


def finish(batch, files, operator, responsible) -> None:  # type: ignore[no-untyped-def]
    """Every waiting field typed as the form says; every record with problems confirmed."""
    from yakuba.intake.actions import review, verification
    from yakuba.intake.models import Application, FieldValue

    truth = {name: fields for name, _, fields in files}
    for fv in FieldValue.objects.filter(page__batch=batch, status=FieldValue.Status.REVIEW).select_related("page"):
        verification.do_verify_field(fv, truth[fv.page.name].get(fv.field_id, ""), responsible if fv.personal else operator)
    for app in Application.objects.filter(batch=batch, status=Application.Status.CHECKING):
        review.do_confirm_application(app, responsible)
    batch.refresh_from_db()


def send_to_review(batch, *, personal: bool, at_least: int = 2) -> list:  # type: ignore[no-untyped-def]
    """Make sure the queue has work of this kind (the OCR may have accepted everything)."""
    from yakuba.intake.models import FieldValue, Page

    fields = FieldValue.objects.filter(page__batch=batch, personal=personal).exclude(value="").order_by("page__seq", "position")
    waiting = list(fields.filter(status=FieldValue.Status.REVIEW))
    for fv in fields.exclude(status=FieldValue.Status.REVIEW)[: max(0, at_least - len(waiting))]:
        fv.status, fv.reason = FieldValue.Status.REVIEW, "試験のため確認待ちにした欄"
        fv.save(update_fields=["status", "reason"])
        Page.objects.filter(pk=fv.page_id).update(status=Page.Status.REVIEW)
        waiting.append(fv)
    batch.applications.filter(page__status=Page.Status.REVIEW).delete()
    return waiting
