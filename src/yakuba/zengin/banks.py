"""Bank and branch names (全銀 half-width kana, at most 15) from the `zengin-code` master.

`bank_name("0001")` → ``"ﾐｽﾞﾎ"``; `branch_name("0001", "001")` → ``"ﾄｳｷﾖｳ"``; None when the
code is not in the master. The package's names are full-width katakana; they go through
`kana.to_zengin` (bank/branch character set) and are cut to 15 characters, never between a
letter and its ﾞ/ﾟ. Pure: no Django.
"""

from __future__ import annotations

from functools import lru_cache

from yakuba.zengin.errors import ZenginError
from yakuba.zengin.kana import to_zengin

NAME_WIDTH = 15


def _convert(kana: str | None) -> str | None:
    if not kana:
        return None
    try:
        return to_zengin(kana, NAME_WIDTH, chars="bank").text
    except ZenginError:
        return None


@lru_cache(maxsize=1)
def _banks():  # type: ignore[no-untyped-def]
    from zengin_code import Bank

    return Bank.all


@lru_cache(maxsize=4096)
def bank_name(code: str) -> str | None:
    """The 全銀 name of bank `code` (4 digits), or None."""
    bank = _banks().get(str(code).zfill(4))
    return _convert(bank.kana) if bank is not None else None


@lru_cache(maxsize=65536)
def branch_name(bank_code: str, branch_code: str) -> str | None:
    """The 全銀 name of branch `branch_code` (3 digits) of bank `bank_code`, or None."""
    bank = _banks().get(str(bank_code).zfill(4))
    if bank is None:
        return None
    branch = bank.branches.get(str(branch_code).zfill(3))
    return _convert(branch.kana) if branch is not None else None
