"""Errors of the relay: one line, Japanese first, then English in parentheses. Pure: no Django."""

from __future__ import annotations

from yakuba.errors import YakubaError


class RelayError(YakubaError):
    """A relay operation failed; `str(error)` is one line for the user.

    `status` is the HTTP status the server answered (None when no answer came), `code` the
    server's machine-readable error code, `upload_id` the upload concerned when known.
    """

    exit_code = 1

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 upload_id: str | None = None) -> None:
        super().__init__(" ".join(message.split()))  # always one line
        self.status = status
        self.code = code
        self.upload_id = upload_id
