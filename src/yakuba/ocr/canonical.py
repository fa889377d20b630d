"""One canonical form per field type: what readings and the truth are compared in.

=========  ===========================================================================
type       canonical form
=========  ===========================================================================
kanji      NFKC; every run of whitespace (incl. 全角空白) → one ASCII space; ends trimmed
katakana   NFKC, hiragana → katakana, half-width → full-width katakana (NFKC does that);
           whitespace as for kanji; 長音 variants (－ ｰ ‐ —) → ー; stray ゛゜ dropped
digits     NFKC, the digits only (other characters dropped)
code       4 digits (NFKC, digits only; ValueError when not exactly 4)
postal     7 digits, no hyphen (``100-0001`` → ``1000001``; ValueError when not 7)
phone      digits only (``03-1234-5678`` → ``0312345678``; no length check here — see checks)
date       ``YYYY-MM-DD`` (西暦); from the form's parts use :func:`compose_date`
month      ``YYYY-MM``
checkbox   ``"1"`` ticked / ``"0"`` not (accepts 1/0, true/false, ✓ ☑ ■ x)
=========  ===========================================================================

An empty reading stays ``""`` for every type (an unfilled field is not an error here).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

ERAS = {
    # era: (first day, last day or None, offset: 西暦 = 和暦年 + offset)
    "令和": (date(2019, 5, 1), None, 2018),
    "平成": (date(1989, 1, 8), date(2019, 4, 30), 1988),
}
GREGORIAN = ("西暦", "", None)

_WS = re.compile(r"\s+")
_DASHES = str.maketrans({"-": "ー", "‐": "ー", "—": "ー", "―": "ー", "ｰ": "ー", "－": "ー"})


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def text(value: str) -> str:
    return _WS.sub(" ", nfkc(value)).strip()


#: Small kana to their large forms (リョウ → リヨウ), for comparing readings written either way.
LARGE_KANA = str.maketrans("ァィゥェォッャュョヮ", "アイウエオツヤユヨワ")


def to_katakana(s: str) -> str:
    """Hiragana as katakana (ぁ–ゖ → ァ–ヶ); everything else as it is."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in s)


def katakana(value: str) -> str:
    s = to_katakana(text(value).translate(_DASHES))
    # a stray (semi-)voiced mark that composed with nothing is noise
    s = "".join(c for c in unicodedata.normalize("NFC", s) if c not in "\u3099\u309a゛゜")
    return _WS.sub(" ", s).strip()


def digits(value: str) -> str:
    return "".join(c for c in nfkc(value) if c.isascii() and c.isdigit())


def _fixed(value: str, n: int, what: str) -> str:
    d = digits(value)
    if d and len(d) != n:
        raise ValueError(f"{what}は{n}桁です（{len(d)}桁）")
    return d


def postal(value: str) -> str:
    return _fixed(value, 7, "郵便番号")


def code(value: str) -> str:
    return _fixed(value, 4, "施設コード")


def phone(value: str) -> str:
    return digits(value)


def checkbox(value: str) -> str:
    v = nfkc(value).strip().lower()
    if v in ("1", "true", "yes", "x", "✓", "✔", "☑", "■", "○", "on"):
        return "1"
    if v in ("0", "false", "no", "", "☐", "□", "off"):
        return "0"
    raise ValueError(f"チェック欄の値が不明です: {value!r}")


def compose_date(era: str | None, year: str, month: str, day: str) -> str:
    """The form's date parts → ``YYYY-MM-DD``.

    ``era`` is 西暦 (or None / ""), 令和 or 平成; with an era, ``year`` is the era year (元 = 1).
    Raises ValueError with a Japanese reason for a date that does not exist or falls outside its
    era (令和 starts 2019-05-01, 平成 ends 2019-04-30).
    """
    era = (nfkc(era or "")).strip()
    y_txt = nfkc(year).strip()
    if not y_txt and not digits(month) and not digits(day):
        return ""
    y = 1 if y_txt == "元" else int(digits(y_txt) or -1)
    m, d = int(digits(month) or -1), int(digits(day) or -1)
    if y < 0 or m < 0 or d < 0:
        raise ValueError("日付の記入が足りません")
    if era in ("", "西暦"):
        if not 1900 <= y <= 2100:
            raise ValueError(f"西暦{y}年は範囲外です")
        gy = y
    elif era in ERAS:
        if y < 1:
            raise ValueError(f"{era}{y}年はありません")
        gy = y + ERAS[era][2]
    else:
        raise ValueError(f"不明な元号です: {era}")
    try:
        result = date(gy, m, d)
    except ValueError:
        raise ValueError(f"存在しない日付です: {gy}年{m}月{d}日") from None
    if era in ERAS:
        first, last, _ = ERAS[era]
        if result < first or (last and result > last):
            raise ValueError(f"{era}{y}年{m}月{d}日は{era}の期間外です")
    return result.isoformat()


def to_wareki(iso: str) -> tuple[str, int, int, int]:
    """``YYYY-MM-DD`` → (era, era year, month, day): 令和 or 平成 when in range, else 西暦."""
    d = date.fromisoformat(iso)
    for era, (first, last, offset) in ERAS.items():
        if d >= first and (last is None or d <= last):
            return era, d.year - offset, d.month, d.day
    return "西暦", d.year, d.month, d.day


def date_(value: str) -> str:
    """A date already written out (``2024-04-01``, ``2024/4/1``, ``令和6年4月1日``) → ISO."""
    s = nfkc(value).strip()
    if not s:
        return ""
    m = re.fullmatch(r"(令和|平成|西暦)?\s*(\d{1,4}|元)\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?", s)
    if not m:
        d = digits(s)
        if len(d) == 8:
            return compose_date(None, d[:4], d[4:6], d[6:])
        raise ValueError(f"日付として読めません: {value}")
    return compose_date(m.group(1), m.group(2), m.group(3), m.group(4))


def month(value: str) -> str:
    s = nfkc(value).strip()
    if not s:
        return ""
    m = re.fullmatch(r"(\d{4})\s*[年/.\-]?\s*(\d{1,2})\s*月?", s)
    if not m:
        raise ValueError(f"年月として読めません: {value}")
    y, mo = int(m.group(1)), int(m.group(2))
    if not 1900 <= y <= 2100 or not 1 <= mo <= 12:
        raise ValueError(f"存在しない年月です: {y}年{mo}月")
    return f"{y:04d}-{mo:02d}"


_BY_TYPE = {
    "kanji": text,
    "text": text,
    "katakana": katakana,
    "digits": digits,
    "code": code,
    "postal": postal,
    "phone": phone,
    "date": date_,
    "month": month,
    "checkbox": checkbox,
}


def canonical(field_type: str, value: str) -> str:
    """``value`` in the canonical form of ``field_type`` (ValueError when it cannot be one)."""
    try:
        fn = _BY_TYPE[field_type]
    except KeyError:
        raise ValueError(f"unknown field type {field_type!r}") from None
    return fn(value or "")
