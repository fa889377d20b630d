"""The admission app's user error (利用者に示すエラー)."""

from __future__ import annotations

from yakuba.errors import YakubaError


class AdmissionError(YakubaError):
    """A step that cannot be done; the message (Japanese) says why and what to do."""

    code = "admission.refused"
