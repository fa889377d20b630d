"""Checkup items as a 副本 carries them (docs/linkage/fukuhon.md), turned into what a page shows: each item's
label from the allow-list, its value in words (判定・所見 by their labels, 検尿 as 蛋白/潜血). Pure: no Django."""

from __future__ import annotations

from typing import Any

from yakuba.health import growth
from yakuba.linkage.allowlist import load_allowlist
from yakuba.linkage.checkup import BodySystem, FindingStatus, Judgement

__all__ = ["received_items", "describe"]

UNITS = {**growth.UNITS, "age_in_months": "か月"}
SUBKEYS = {"protein": "蛋白", "occult_blood": "潜血", "caries_teeth": "むし歯", "note": "所見", "eyes": "眼",
           "ears": "耳", "nutrition": "栄養", "detailed_exam_date": "精密検査受診日"}


def _label(enum: Any, value: Any) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return str(value)


def describe(code: str, value: Any) -> str:
    """One item's value in words."""
    if value is None:
        return ""
    if code == "judgement" and isinstance(value, dict):
        text = _label(Judgement, value.get("result"))
        return text + (f"(精密検査受診日 {value['detailed_exam_date']})" if value.get("detailed_exam_date") else "")
    if code == "findings" and isinstance(value, dict):
        parts = [f"{_label(BodySystem, s.get('system'))}: {_label(FindingStatus, s.get('status'))}"
                 + (f"({s['note']})" if s.get("note") else "")
                 for s in value.get("systems") or [] if isinstance(s, dict)]
        parts += [f"{SUBKEYS.get(k, k)}: {v}" for k, v in value.items() if k != "systems"]
        return "、".join(parts) or "所見なし"
    if isinstance(value, dict):
        return "、".join(f"{SUBKEYS.get(k, k)}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return f"{value}{UNITS.get(code, '')}"


def received_items(items: Any) -> list[tuple[str, str, str]]:
    """(code, label, value in words) for each item, in the allow-list's order of labels; a masked value
    (a str where a mapping was expected) is shown as it came."""
    if not isinstance(items, dict):
        return [("items", "提供された項目", str(items or ""))]
    labels = load_allowlist().labels
    order = {code: i for i, code in enumerate(labels)}
    return [(code, labels.get(code, code), describe(code, items[code]))
            for code in sorted(items, key=lambda c: (order.get(c, len(order)), c))]
