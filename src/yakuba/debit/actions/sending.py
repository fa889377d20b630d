"""Send a run's files through the relay, and fetch their results back.

    report = do_send_run(run, client, user)       # each file's upload id saved as soon as it is sent
    files = fetch_results(run, client, wait=60)    # [(file, result bytes)], or DebitError if one is missing

`client` is a ``yakuba.relay`` client (``yakuba.debit.relay.relay_client()`` on the screens).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.audit.log import record
from yakuba.debit.actions.common import FILE_CATEGORIES, Progress, no_progress, read
from yakuba.debit.errors import DebitError
from yakuba.debit.models import DebitFile, DebitRun
from yakuba.relay.errors import RelayError

__all__ = ["SendReport", "check_send_run", "do_send_run", "fetch_results"]


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


def check_send_run(run: DebitRun) -> None:
    """A reconciled run is not sent again (its state is read afresh)."""
    run.refresh_from_db()
    if run.status == DebitRun.Status.RECONCILED:
        raise DebitError("この振替は消込済みです。送信できません。")


def do_send_run(run: DebitRun, client: Any, user: Any = None) -> SendReport:
    """Upload each unsent file through the relay; each file's upload id is saved as soon as it is sent.

    A file the relay already holds (same content sent before) is refused with a clear message:
    it is not forwarded to the bank again, and it is not marked sent.
    """
    check_send_run(run)
    report = SendReport()
    for dfile in run.files.order_by("bank_code"):
        if dfile.upload_id:
            report.already.append(dfile.bank_code)
            continue
        data = read(dfile.request, user)
        try:
            upload = client.upload(dfile.name, data)
        except RelayError as exc:
            record("debit.file.send_failed", actor=user, target=dfile, detail={"run": run.pk, "error": str(exc)[:200]})
            raise DebitError(f"金融機関 {dfile.bank_code} の振替データを送信できませんでした: {exc}") from exc
        if upload.duplicate:
            record("debit.file.duplicate", actor=user, target=dfile,
                   detail={"run": run.pk, "upload_id": upload.id, "sha256": upload.sha256})
            raise DebitError(f"金融機関 {dfile.bank_code} の振替データ({dfile.name})と同じ内容が既に送信されています"
                             f"(送信ID {upload.id})。二重の引き落としを防ぐため、中継サーバーは転送していません。"
                             f"送信済みの振替を確認してください。")
        with transaction.atomic():
            dfile.upload_id, dfile.sent_at = upload.id, timezone.now()
            dfile.save(update_fields=["upload_id", "sent_at"])
            record("debit.file.sent", actor=user, target=dfile, categories=FILE_CATEGORIES,
                   detail={"run": run.pk, "upload_id": upload.id, "sha256": upload.sha256, "records": dfile.record_count})
        report.sent.append(dfile.bank_code)
    with transaction.atomic():
        if not run.files.filter(upload_id="").exists() and run.status == DebitRun.Status.BUILT:
            run.status, run.sent_at = DebitRun.Status.SENT, timezone.now()
            run.save(update_fields=["status", "sent_at"])
            record("debit.run.sent", actor=user, target=run, detail={"files": run.files.count()})
    return report


def fetch_results(run: DebitRun, client: Any, *, wait: float = 0,
                  progress: Progress = no_progress) -> list[tuple[DebitFile, bytes]]:
    """The result of each sent, unreconciled file, in bank order; changes nothing here.

    `wait`: seconds to wait for each result (0: ask once). When a bank has not answered yet,
    DebitError names it: the 消込 waits until all results are there.
    """
    pending = list(run.files.filter(reconciled_at__isnull=True).exclude(upload_id="").order_by("bank_code"))
    fetched, waiting = [], []
    for i, dfile in enumerate(pending, start=1):
        try:
            data = client.wait_result(dfile.upload_id, timeout=wait) if wait else client.fetch_result(dfile.upload_id)
        except RelayError as exc:
            raise DebitError(f"金融機関 {dfile.bank_code} の結果データを受け取れませんでした: {exc}") from exc
        if data is None:
            waiting.append(dfile.bank_code)
        else:
            fetched.append((dfile, data))
        progress(i, len(pending), "結果データを受信しています")
    if waiting:
        raise DebitError(f"まだ結果が届いていない金融機関があります({', '.join(waiting)})。"
                         f"すべての結果が揃ってから消込を行います。")
    return fetched
