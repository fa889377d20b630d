"""振替結果コード (result codes) and what they mean for the office and for the customer, as data."""

from __future__ import annotations

RESULT_CODES: dict[str, dict[str, str]] = {
    "0": {"label": "振替済み", "reason": ""},
    "1": {"label": "資金不足",
          "reason": "ご指定の口座の残高が不足していたため、引き落としができませんでした。"},
    "2": {"label": "取引なし(口座なし)",
          "reason": "ご指定の口座がない(解約されたなど)ため、引き落としができませんでした。"
                    "お手数ですが、口座振替依頼書をあらためてご提出ください。"},
    "3": {"label": "預金者の都合による振替停止",
          "reason": "口座名義人様のお申し出により口座振替が停止されているため、引き落としができませんでした。"
                    "口座振替を続ける場合は、口座振替依頼書をあらためてご提出ください。"},
    "4": {"label": "預金口座振替依頼書なし",
          "reason": "金融機関に口座振替依頼書が届いていないため、引き落としができませんでした。"
                    "お手数ですが、口座振替依頼書をあらためてご提出ください。"},
    "8": {"label": "委託者の都合による振替停止",
          "reason": "市の事務の都合により、今回の引き落としを停止しました。"},
    "9": {"label": "その他",
          "reason": "金融機関の事情により、引き落としができませんでした。"},
}

NEW_FORM_CODES = frozenset({"2", "3", "4"})
"""Codes after which the customer must send a new 口座振替依頼書."""
RETRY_CODES = frozenset({"1"})
"""Codes whose bills go into a 再振替 run."""
CITY_STOP = "8"


def label(code: str) -> str:
    return RESULT_CODES.get(code, {"label": f"不明なコード {code}"})["label"]


def reason(code: str) -> str:
    return RESULT_CODES.get(code, RESULT_CODES["9"])["reason"]
