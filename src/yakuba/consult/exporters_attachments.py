"""A case's attachment leaves the centre only through the export step: every request waits for the
センター長 (``needs_approval``), whoever asks and however small; the file is watermarked with the
export id, the requester and the time (PDF: the line on every page and its metadata; an image: the
line burned in; audio: its metadata where the format has some, and always the file name), kept
encrypted until its one download, and the export's record says who asked, who approved, and its hash.

One exporter per format (the file's extension and type), and one more for files marked 要配慮
(their categories include health).
"""

from __future__ import annotations

from typing import Any

from yakuba.accounts.roles import Role
from yakuba.consult import media
from yakuba.consult.models import Assessment, Attachment
from yakuba.exports.errors import ExportRefused
from yakuba.exports.registry import Exporter, param_object, register
from yakuba.vault import service as vault

ROLES = frozenset({Role.CENTER_WORKER})
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "wav": "wav", "ogg": "ogg", "mp3": "mp3", "m4a": "m4a"}


def _attachment(params: dict) -> Attachment:
    return param_object(Attachment, params, "attachment", Attachment.objects.select_related("case", "stored"))


def _build(user: Any, params: dict, fmt: str, health: bool) -> bytes:
    from yakuba.consult.actions.attachments import viewing_level
    from yakuba.consult.access import Level

    a = _attachment(params)
    if a.format != fmt or a.health != health or viewing_level(user, a) < Level.ASSIGNED:
        raise ExportRefused("この添付ファイルを出力する権限がありません。")
    params["case"] = a.case_id
    return vault.read_bytes(a.stored, user=user)


def _stem(params: dict) -> str:
    a = _attachment(params)
    return f"consult-{a.case.number}-attachment{a.pk}"


for _fmt, _ext in EXTENSIONS.items():
    label = next(f.label for f in media.FORMATS if f.id == _fmt)
    for _health in (False, True):
        register(Exporter(
            id=f"consult.attachment.{_fmt}" + (".health" if _health else ""),
            label=f"相談ケースの添付ファイル({label}{'・要配慮' if _health else ''})", roles=ROLES,
            fields=[(Attachment, "title")] + ([(Assessment, "health_details")] if _health else []),
            format=_ext, needs_approval=True,
            count=lambda user, params: 1,
            build=lambda user, params, fmt=_fmt, health=_health: _build(user, params, fmt, health),
            stem=_stem,
        ))
