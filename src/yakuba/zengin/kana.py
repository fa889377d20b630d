"""Free text → the 全銀 character set (half-width katakana, A–Z, 0–9, a few signs).

`to_zengin("やまだ たろう")` gives ``KanaResult(text="ﾔﾏﾀﾞ ﾀﾛｳ", changes=[…])``: full-width →
half-width (jaconv), ひらがな → カタカナ, small kana → large (ｯ → ﾂ), ー → ``-`` (全銀 has no ｰ),
lowercase → uppercase, 全角英数 → 半角. `changes` says, in Japanese, what was changed so that a
clerk can confirm it. A character that cannot be mapped is an error naming it. With `width`, the
text is cut to that many bytes, never between a letter and its ﾞ/ﾟ. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import jaconv

from yakuba.zengin.errors import ZenginError
from yakuba.zengin.layout import BANK_CHARS, NAME_CHARS

_SETS = {"name": frozenset(NAME_CHARS.decode("cp932")), "bank": frozenset(BANK_CHARS.decode("cp932"))}
_SMALL = str.maketrans({"ァ": "ア", "ィ": "イ", "ゥ": "ウ", "ェ": "エ", "ォ": "オ", "ャ": "ヤ", "ュ": "ユ", "ョ": "ヨ",
                        "ッ": "ツ", "ヮ": "ワ", "ヵ": "カ", "ヶ": "ケ", "ｧ": "ｱ", "ｨ": "ｲ", "ｩ": "ｳ", "ｪ": "ｴ",
                        "ｫ": "ｵ", "ｬ": "ﾔ", "ｭ": "ﾕ", "ｮ": "ﾖ", "ｯ": "ﾂ"})
_OLD = str.maketrans({"ヰ": "イ", "ヱ": "エ"})
_DASHES = str.maketrans({c: "-" for c in "ーｰ－‐―−‑–—"})
_MARKS = frozenset("ﾞﾟ")
_BANK_SIGNS = str.maketrans({c: " " for c in ".･()"})


class KanaError(ZenginError):
    """Text with characters that have no 全銀 equivalent."""


@dataclass(frozen=True)
class KanaResult:
    text: str
    """The 全銀 text (half-width)."""
    changes: list[str] = field(default_factory=list)
    """What was changed, in Japanese (empty when the text was already 全銀)."""


def _note(changes: list[str], before: str, after: str, what: str) -> str:
    if before != after:
        changes.append(what)
    return after


def to_zengin(text: str, width: int | None = None, *, chars: Literal["name", "bank"] = "name") -> KanaResult:
    """`text` in the 全銀 set of name fields (or of bank/branch names with ``chars="bank"``)."""
    if not isinstance(text, str):
        raise TypeError("to_zengin() takes a str")
    changes: list[str] = []
    s = _note(changes, text, jaconv.hira2kata(text), "ひらがなをカタカナにしました")
    small = "".join(f"{c}→{c.translate(_SMALL)} " for c in dict.fromkeys(s) if c in "ァィゥェォャュョッヮヵヶｧｨｩｪｫｬｭｮｯ")
    s = _note(changes, s, s.translate(_SMALL), f"小書き文字を大きい文字にしました ({small.strip()})")
    s = _note(changes, s, s.translate(_OLD), "ヰ・ヱをイ・エにしました")
    s = _note(changes, s, s.translate(_DASHES), "長音記号 ー を - にしました (全銀には ｰ がありません)")
    s = _note(changes, s, jaconv.z2h(s, kana=True, ascii=True, digit=True), "全角を半角にしました")
    s = _note(changes, s, s.upper(), "英小文字を大文字にしました")
    if chars == "bank":
        s = _note(changes, s, s.translate(_BANK_SIGNS), "銀行名・支店名に使えない記号 . ・ ( ) を空白にしました")
    allowed = _SETS[chars]
    bad = [c for c in s if c not in allowed]
    if bad:
        names = "".join(dict.fromkeys(bad))
        raise KanaError(f"全銀の文字にできない文字があります (no 全銀 equivalent): {names}", field=chars, value=text)
    if width is not None and len(s) > width:
        cut = width
        while cut > 0 and s[cut] in _MARKS:  # keep ﾞ/ﾟ with its letter
            cut -= 1
        changes.append(f"{width} 文字に収まるよう切り詰めました (truncated: {s[cut:]})")
        s = s[:cut]
    return KanaResult(s, changes)
