"""Bank and branch names from the zengin-code master, in 全銀 characters."""

from __future__ import annotations

from yakuba.zengin.banks import bank_name, branch_name
from yakuba.zengin.layout import BANK_CHARS


def test_it_names_banks_and_branches() -> None:
    assert bank_name("0001") == "ﾐｽﾞﾎ"
    assert branch_name("0001", "001") == "ﾄｳｷﾖｳ"
    assert bank_name("9900") == "ﾕｳﾁﾖ"


def test_it_says_none_for_unknown_codes() -> None:
    assert bank_name("0000") is None
    assert branch_name("0001", "999") is None
    assert branch_name("0000", "001") is None


def test_every_name_fits_the_bank_name_field() -> None:
    from zengin_code import Bank

    allowed = set(BANK_CHARS.decode("cp932"))
    for code in list(Bank.all)[:200]:
        name = bank_name(code)
        assert name is not None and len(name) <= 15 and set(name) <= allowed and name[0] not in "ﾞﾟ"
