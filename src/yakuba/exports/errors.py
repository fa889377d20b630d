"""The export step's user error."""

from __future__ import annotations

from yakuba.errors import YakubaError

__all__ = ["ExportRefused"]


class ExportRefused(YakubaError):
    """The request cannot go on; the message is shown to the user as it is."""

    code = "export.refused"
    default_message = "この出力は行えません。"
