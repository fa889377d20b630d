"""The consignor (委託者) settings: the city's code and account at its bank.
(Where the relay is: `yakuba.debit.relay`.)

They are the city profile's ``debit.toml`` ``[consignor]`` (`yakuba.cityprofile`); the environment
(`YAKUBA_DEBIT_CODE`, `_NAME`, … read into `settings.DEBIT_CONSIGNOR`) overrides single values.
Nothing here is personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from yakuba.cityprofile.load import current as city_profile
from yakuba.errors import YakubaError

ORGANISATION = "suido"
"""The organisation (上下水道総務課) that runs the debit and owns its files."""


class ConsignorNotConfigured(YakubaError):
    """The city profile has no ``debit.toml``: this installation does no 口座振替."""

    code = "debit.consignor_not_configured"
    default_message = ("委託者(口座振替)が設定されていません(市の設定 debit.toml の [consignor])。"
                       "システム管理者に連絡してください。")


@dataclass(frozen=True)
class Consignor:
    code: str
    """委託者コード (10 digits), given by the bank."""
    name: str
    """委託者名 (converted to 全銀 kana when the file is built)."""
    bank_code: str
    """The city's own bank (指定金融機関)."""
    branch_code: str
    account_type: str
    account_number: str
    branches: dict[str, str] = field(default_factory=dict)
    """取引支店 of the city's collection account at each bank (bank code → branch code);
    `branch_code` for a bank not listed. Each file goes to the bank of its records."""
    notice_days: int = 14
    """納期限 of the payment slip on a 不能通知: this many days after the letter, then the next business day."""


def consignor() -> Consignor:
    own = city_profile().consignor
    if own is None:
        raise ConsignorNotConfigured()
    return Consignor(**{**own, "branches": dict(own["branches"]), **getattr(settings, "DEBIT_CONSIGNOR", {})})
