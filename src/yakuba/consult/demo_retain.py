"""The demo's corrections, retention and disposal (issue #13 §7, §8): an overdue 訂正依頼 to
長寿応援課 (escalated to the センター長, on the council's list), a consultation record corrected
through an answered request (its history on the case page), a case closed six years ago erased
with its certificate, and one machine's retired storage recorded with a synthetic contractor
certificate, signed and verified. Everything is synthetic; called once by `yakuba.consult.demo`."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any, Callable

from django.utils import timezone


def run(worker: Any, worker2: Any, chief: Any, progress: Callable[[str], None] = lambda m: None) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from yakuba.consult.actions import cases, corrections, disposal, retention
    from yakuba.consult.models import Case
    from yakuba.privacy._common import public_key_text
    from yakuba.vault import service as vault

    progress("基幹福祉相談センターのデモ: 訂正依頼・消去・記憶装置の廃棄を用意しています")
    today = timezone.localdate()
    open_cases = list(Case.objects.filter(centre_id=worker.organisation_id, workers=worker)
                      .exclude(status=Case.Status.CLOSED).order_by("pk"))
    with_records = next((c for c in open_cases if c.records.exists()), None)
    first = open_cases[0] if open_cases else None
    if first is not None:
        corrections.do_open_correction(
            worker, requester="person", department="長寿応援課", record_ref="高齢者実態調査(令和7年度)の世帯状況",
            wrong="同居の家族がいるとされているが、本人は一人暮らし", asked="世帯状況を「独居」に訂正してほしい",
            owner_id=worker.pk, case=first, person_id=first.people.order_by("pk").values_list("pk", flat=True).first(),
            received_on=today - dt.timedelta(days=45), due_on=today - dt.timedelta(days=15))
        corrections.escalate_overdue(today)
    if with_records is not None:
        record = with_records.records.order_by("at", "pk").first()
        req = corrections.do_open_correction(
            worker, requester="centre", department="福祉課", record_ref=f"相談記録 {record.pk}",
            wrong="面談の日に話した内容の記録が別の日のものと入れ替わっていた", asked="その日の記録に直す",
            owner_id=worker.pk, case=with_records, received_on=today - dt.timedelta(days=3))
        corrections.do_correct(worker, record, "said", f"{record.said}(訂正: 電話ではなく訪問時に聞き取った内容)",
                               reason="記録の取り違え(担当者の確認による)", correction=req)
        corrections.do_answer_correction(req, worker, status="corrected", answer="相談記録を訂正した")
    # a case closed six years ago (past みどり市's five), its file in the vault, erased with a certificate
    old = cases.do_open_case(worker, person={"name": "試験 保存満了"}, domains=["poverty"], route="phone",
                             urgency="normal", worry="家賃の相談(デモ)",
                             received_at=timezone.now() - dt.timedelta(days=7 * 366))
    cases.do_close(old, chief, reason="resolved", note="デモ: 保存期間満了", on=today - dt.timedelta(days=6 * 366))
    vault.store(io.BytesIO(b"%PDF-1.4\n% synthetic demo attachment\n%%EOF\n"), kind="attachment",
                description=f"ケース {old.number} の添付(デモ)", organisation=old.centre, user=worker,
                categories=["sensitive"], batch=retention.case_batch(old.pk))
    retention.do_erase_case(old, chief, today=today, years=5)
    # one retired disk, with the contractor's signed certificate
    contractor = Ed25519PrivateKey.generate()
    certificate = ("%PDF-1.4\n% 試験リサイクル株式会社 データ消去証明書(デモ・架空)\n"
                   f"% asset PC-CENTER-007 serial WD-DEMO-0001 destroyed {today.isoformat()}\n%%EOF\n").encode("utf-8")
    disposal.do_record_disposal(chief, asset_id="PC-CENTER-007", serial="WD-DEMO-0001",
                                retired_on=today - dt.timedelta(days=7), contractor="試験リサイクル株式会社(架空)",
                                certificate=certificate, certificate_name="destruction-certificate.pdf",
                                sha256=hashlib.sha256(certificate).hexdigest(), signature=contractor.sign(certificate),
                                public_key=public_key_text(contractor.public_key()))
