"""The consult app's user error: one Japanese line naming what was refused (ids, never a name)."""

from __future__ import annotations

from yakuba.errors import YakubaError

__all__ = ["ConsultError"]


class ConsultError(YakubaError):
    """A step of a case that cannot be done; the message (Japanese) says why."""

    code = "consult.refused"
    default_message = "相談記録の操作を行えませんでした。"
