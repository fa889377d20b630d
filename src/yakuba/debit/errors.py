"""The debit cycle's user error: one Japanese line naming what was refused (ids and counts, never a name)."""

from __future__ import annotations

from yakuba.errors import YakubaError

__all__ = ["DebitError"]


class DebitError(YakubaError):
    """A step of the debit cycle refused; `str()` is one Japanese line for the user."""

    code = "debit.refused"
    default_message = "口座振替の処理を行えませんでした。"
