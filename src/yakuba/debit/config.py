"""The consignor (委託者) settings: the city's code and account at its bank.
(Where the relay is: `DEBIT_RELAY`, read by `yakuba.debit.relay`.)

Defaults are the demo city's (みどり市, fictional). A real installation overrides them with
`DEBIT_CONSIGNOR = {...}` in its settings; nothing here is personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

ORGANISATION = "suido"
"""The organisation (上下水道総務課) that runs the debit and owns its files."""


@dataclass(frozen=True)
class Consignor:
    code: str = "1234567890"
    """委託者コード (10 digits), given by the bank."""
    name: str = "ミドリシ ジヨウゲスイドウ"
    """委託者名 (converted to 全銀 kana when the file is built)."""
    bank_code: str = "0001"
    """The city's own bank (指定金融機関)."""
    branch_code: str = "001"
    account_type: str = "1"
    account_number: str = "1234567"
    branches: dict[str, str] = field(default_factory=dict)
    """取引支店 of the city's collection account at each bank (bank code → branch code);
    `branch_code` for a bank not listed. Each file goes to the bank of its records."""
    notice_days: int = 14
    """納期限 of the payment slip on a 不能通知: this many days after the letter, then the next business day."""


def consignor() -> Consignor:
    return Consignor(**getattr(settings, "DEBIT_CONSIGNOR", {}))
