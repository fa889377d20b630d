"""Errors of 情報連携: one line, Japanese first, then English in parentheses. Pure: no Django."""

from __future__ import annotations

from yakuba.errors import YakubaError


class LinkageError(YakubaError):
    """A linkage operation failed or was refused; `str(error)` is one line for the user."""

    code = "linkage.error"
    default_message = "情報連携の処理ができませんでした (linkage failed)"


class LogError(LinkageError):
    """A provision log, a checkpoint, a note, a tile or a proof is malformed or does not verify."""

    code = "linkage.log"
    default_message = "提供記録のログを検証できません (the provision log does not verify)"


class Refused(LinkageError):
    """A 情報照会 refused by the hub or a 中間サーバー; `reason` is a stable code (docs/linkage)."""

    code = "linkage.refused"
    default_message = "情報照会は拒否されました (query refused)"

    def __init__(self, reason: str, message: str | None = None, *, where: str | None = None,
                 detail: str | None = None) -> None:
        super().__init__(message, where=where, detail=detail)
        self.reason = reason
