"""A run as one ISO 20022 pain.008 message, for a bank that takes ISO 20022 instead of the 全銀
file: a payment information block per file. It holds every debtor's account, so the screen lets
only the supervisor ask for it; each file read is audited by the vault, the export itself as
``debit.run.exported``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from yakuba.audit.log import record
from yakuba.debit.actions.common import FILE_CATEGORIES, read, zengin_text
from yakuba.debit.config import consignor
from yakuba.debit.errors import DebitError
from yakuba.debit.models import DebitFile, DebitRun
from yakuba.zengin import codec
from yakuba.zengin.iso20022 import Creditor, to_pain008
from yakuba.zengin.model import ZenginFile

__all__ = ["FORMAT", "check_export_pain008", "do_export_pain008", "filename"]

FORMAT = "pain.008.001.08"


def filename(run: DebitRun) -> str:
    return f"debit-{run.pk:05d}-pain008.xml"


def check_export_pain008(run: DebitRun) -> list[DebitFile]:
    """The run's request files, in bank order; DebitError when it has none."""
    files = list(run.files.select_related("request").order_by("bank_code"))
    if not files:
        raise DebitError("この振替にはファイルがありません。")
    return files


def do_export_pain008(run: DebitRun, user: Any, *, request: Any = None, now: dt.datetime | None = None) -> bytes:
    """The run's request files as one pain.008 message; the export is audited."""
    files = check_export_pain008(run)
    batches = []
    for dfile in files:
        batches.extend(codec.parse(read(dfile.request, user)).batches)
    cfg = consignor()
    now = now or timezone.localtime().replace(microsecond=0, tzinfo=None)
    data = to_pain008(ZenginFile(tuple(batches)), creditor=Creditor(zengin_text(cfg.name, 40), cfg.code),
                      message_id=f"YKB-DEBIT-{run.pk:05d}-{now:%Y%m%d%H%M%S}", year=run.debit_date.year, created=now)
    record("debit.run.exported", actor=user, target=run, categories=FILE_CATEGORIES, request=request,
           detail={"format": FORMAT, "files": len(files), "items": sum(len(b.records) for b in batches)})
    return data
