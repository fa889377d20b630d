"""The paper form as data: boxes in millimetres on the page, loaded from ``forms/<name>.toml``.

A :class:`Template` holds the form's fields (each with an id, a human label, a type and a box),
the four solid fiducial squares near the corners that :mod:`yakuba.ocr.align` looks for, and the
printed texts (title, headings, labels) that :mod:`yakuba.ocr.render` draws.

Field types:

- ``kanji``, ``katakana`` — free handwriting in one box;
- ``digits``, ``code``, ``postal``, ``phone`` — one character per printed cell (``cells`` > 0, the
  box divided into equal cells from left to right);
- ``checkbox`` — a small square, ticked or not;
- ``date`` — parts ``era_seireki``/``era_reiwa``/``era_heisei`` (checkboxes), ``year`` (4 cells),
  ``month`` (2), ``day`` (2); a 和暦 year is written in the last two year cells;
- ``month`` — parts ``year`` (4 cells) and ``month`` (2 cells), 西暦.

``personal = true`` marks a field that identifies a person: only the vendor's 責任者 may see its
value or its image. Pure: no Django.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from yakuba.errors import YakubaError

TEXT_TYPES = frozenset({"kanji", "katakana"})
CELL_TYPES = frozenset({"digits", "code", "postal", "phone"})
TYPES = TEXT_TYPES | CELL_TYPES | {"checkbox", "date", "month"}
DATE_PARTS = ("era_seireki", "era_reiwa", "era_heisei", "year", "month", "day")
MONTH_PARTS = ("year", "month")
ERAS = {"era_seireki": "西暦", "era_reiwa": "令和", "era_heisei": "平成"}


class TemplateError(YakubaError, ValueError):
    """A form definition that cannot be used (what and where)."""

    exit_code = 1


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)

    def overlaps(self, other: "Box", tol: float = 0.01) -> bool:
        return (self.x < other.right - tol and other.x < self.right - tol
                and self.y < other.bottom - tol and other.y < self.bottom - tol)

    def inside(self, width: float, height: float) -> bool:
        return self.x >= 0 and self.y >= 0 and self.right <= width and self.bottom <= height

    def grown(self, mm: float) -> "Box":
        """The box widened by ``mm`` on every side (narrowed, for a negative ``mm``)."""
        return Box(self.x - mm, self.y - mm, self.w + 2 * mm, self.h + 2 * mm)

    def split(self, n: int) -> tuple["Box", ...]:
        """The box cut into ``n`` equal cells, left to right."""
        w = self.w / n
        return tuple(Box(self.x + i * w, self.y, w, self.h) for i in range(n))


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    type: str
    box: Box
    cells: int = 0
    parts: tuple["Field", ...] = ()
    personal: bool = False

    @property
    def is_cells(self) -> bool:
        return self.type in CELL_TYPES

    def cell_boxes(self) -> tuple[Box, ...]:
        """One box per printed cell (cell types); the field's box otherwise."""
        return self.box.split(self.cells) if self.cells else (self.box,)

    def part(self, id: str) -> "Field":
        for p in self.parts:
            if p.id == id:
                return p
        raise KeyError(f"{self.id} has no part {id!r}")

    def leaves(self, prefix: str = "") -> tuple["Leaf", ...]:
        """Every box that holds ink, with a key ``field[.part][:cell]``."""
        key = f"{prefix}{self.id}"
        if self.parts:
            return tuple(leaf for p in self.parts for leaf in p.leaves(prefix=f"{key}."))
        if self.cells:
            return tuple(Leaf(f"{key}:{i}", b, self.type) for i, b in enumerate(self.cell_boxes()))
        return (Leaf(key, self.box, self.type),)


class Leaf(NamedTuple):
    key: str
    box: Box
    type: str


@dataclass(frozen=True)
class Text:
    """Printed text: top-left at (x, y) mm, character height ``size`` mm."""

    text: str
    x: float
    y: float
    size: float = 3.2
    bold: bool = False


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    width_mm: float
    height_mm: float
    fields: tuple[Field, ...]
    fiducials: tuple[Box, ...]
    texts: tuple[Text, ...] = ()

    def field(self, id: str) -> Field:
        for f in self.fields:
            if f.id == id:
                return f
        raise KeyError(f"no field {id!r} in template {self.id!r}")

    @property
    def field_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.fields)

    def types(self) -> dict[str, str]:
        """Field id → type (what the score and the decoders key on)."""
        return {f.id: f.type for f in self.fields}

    def personal_ids(self) -> frozenset[str]:
        return frozenset(f.id for f in self.fields if f.personal)

    def leaf_boxes(self) -> tuple[Leaf, ...]:
        """Every box that holds ink: cells, checkboxes, parts (with keys like ``child_birth.year:2``)."""
        return tuple(leaf for f in self.fields for leaf in f.leaves())


# --- loading ------------------------------------------------------------------------------------

def _num(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TemplateError(f"{where}: 数値ではありません (not a number): {value!r}")
    return float(value)


def _box(raw: Any, where: str) -> Box:
    if not isinstance(raw, dict) or set(raw) != {"x", "y", "w", "h"}:
        raise TemplateError(f"{where}: box は {{x, y, w, h}} で指定してください (box needs x, y, w, h): {raw!r}")
    box = Box(*(_num(raw[k], f"{where}.{k}") for k in ("x", "y", "w", "h")))
    if box.w <= 0 or box.h <= 0:
        raise TemplateError(f"{where}: 幅と高さは正の値にしてください (box must have a positive size)")
    return box


_FIELD_KEYS = {"id", "label", "type", "box", "cells", "parts", "personal"}


def _field(raw: Any, where: str, *, part_of: str | None = None) -> Field:
    if not isinstance(raw, dict):
        raise TemplateError(f"{where}: 表ではありません (not a table)")
    unknown = set(raw) - _FIELD_KEYS
    if unknown:
        raise TemplateError(f"{where}: 不明なキー (unknown keys) {sorted(unknown)}")
    fid = raw.get("id")
    if not isinstance(fid, str) or not fid.isidentifier():
        raise TemplateError(f"{where}: id がありません (missing or bad id): {fid!r}")
    where = f"{where} ({fid})"
    ftype = raw.get("type")
    if ftype not in TYPES:
        raise TemplateError(f"{where}: 不明な型 (unknown type) {ftype!r}; 使える型: {', '.join(sorted(TYPES))}")
    box = _box(raw.get("box"), f"{where}.box")
    cells = raw.get("cells", 0)
    if not isinstance(cells, int) or isinstance(cells, bool) or cells < 0:
        raise TemplateError(f"{where}: cells は 0 以上の整数です (cells must be a non-negative integer)")
    if ftype in CELL_TYPES and cells == 0:
        raise TemplateError(f"{where}: 型 {ftype} には cells が必要です (cell type needs cells = N)")
    if ftype not in CELL_TYPES and cells:
        raise TemplateError(f"{where}: 型 {ftype} に cells は使えません (only cell types have cells)")
    parts = tuple(_field(p, f"{where}.parts[{i}]", part_of=fid) for i, p in enumerate(raw.get("parts", [])))
    expected = {"date": DATE_PARTS, "month": MONTH_PARTS}.get(ftype)
    if expected is not None:
        if tuple(p.id for p in parts) != expected:
            raise TemplateError(f"{where}: 型 {ftype} の parts は {', '.join(expected)} の順です (parts must be {expected})")
        for p in parts:
            want = ("checkbox", 0) if p.id.startswith("era_") else ("digits", 4 if p.id == "year" else 2)
            if (p.type, p.cells) != want:
                raise TemplateError(f"{where}.{p.id}: {want[0]} ({want[1]} cells) にしてください")
    elif parts:
        raise TemplateError(f"{where}: parts を持てるのは date と month だけです (only date and month have parts)")
    label = raw.get("label", fid)
    personal = raw.get("personal", False)
    if not isinstance(label, str) or not isinstance(personal, bool):
        raise TemplateError(f"{where}: label は文字列、personal は true/false です")
    return Field(fid, label, ftype, box, cells, parts, personal)


def parse_template(data: dict[str, Any], source: str = "template") -> Template:
    """Validate a parsed TOML document: types, ids, boxes on the page and not overlapping."""
    for key in ("id", "title", "width_mm", "height_mm", "fields", "fiducials"):
        if key not in data:
            raise TemplateError(f"{source}: {key} がありません (missing {key})")
    width, height = _num(data["width_mm"], f"{source}: width_mm"), _num(data["height_mm"], f"{source}: height_mm")
    fiducials = tuple(_box(b, f"{source}: fiducials[{i}]") for i, b in enumerate(data["fiducials"]))
    if len(fiducials) != 4:
        raise TemplateError(f"{source}: 基準マークは4つ必要です (need 4 fiducials, got {len(fiducials)})")
    fields = tuple(_field(f, f"{source}: fields[{i}]") for i, f in enumerate(data["fields"]))
    texts = []
    for i, t in enumerate(data.get("texts", [])):
        if not isinstance(t, dict) or not isinstance(t.get("text"), str):
            raise TemplateError(f"{source}: texts[{i}]: text がありません (missing text)")
        texts.append(Text(t["text"], _num(t.get("x"), f"{source}: texts[{i}].x"), _num(t.get("y"), f"{source}: texts[{i}].y"),
                          _num(t.get("size", 3.2), f"{source}: texts[{i}].size"), bool(t.get("bold", False))))
    seen: set[str] = set()
    for f in fields:
        if f.id in seen:
            raise TemplateError(f"{source}: id {f.id!r} が重複しています (duplicate field id)")
        seen.add(f.id)
    template = Template(str(data["id"]), str(data["title"]), width, height, fields, fiducials, tuple(texts))
    boxes: list[tuple[str, Box]] = [(f"fiducial[{i}]", b) for i, b in enumerate(fiducials)]
    for f in fields:
        for p in f.parts:
            if not (f.box.x - 0.01 <= p.box.x and p.box.right <= f.box.right + 0.01
                    and f.box.y - 0.01 <= p.box.y and p.box.bottom <= f.box.bottom + 0.01):
                raise TemplateError(f"{source}: {f.id}.{p.id} が {f.id} の枠の外にあります (part outside its field's box)")
        boxes.extend((f"{f.id}.{p.id}", p.box) for p in f.parts) if f.parts else boxes.append((f.id, f.box))
    for i, (name, b) in enumerate(boxes):
        if not b.inside(width, height):
            raise TemplateError(f"{source}: {name} が用紙の外にはみ出しています (box outside the page)")
        for other, ob in boxes[:i]:
            if b.overlaps(ob):
                raise TemplateError(f"{source}: {name} と {other} の枠が重なっています (overlapping boxes)")
    return template


def load_template(name: str = "application", path: str | Path | None = None) -> Template:
    """The form ``forms/<name>.toml`` shipped with yakuba (or the TOML file at ``path``)."""
    if path is not None:
        return _load_path(str(path))
    return _load_builtin(name)


@lru_cache(maxsize=8)
def _load_builtin(name: str) -> Template:
    if not name.replace("_", "").replace("-", "").isalnum():
        raise TemplateError(f"様式名が不正です (bad template name): {name!r}")
    res = resources.files("yakuba.ocr").joinpath("forms", f"{name}.toml")
    if not res.is_file():
        raise TemplateError(f"様式 {name!r} がありません (no such template)")
    return _parse_text(res.read_text(encoding="utf-8"), f"{name}.toml")


def _load_path(path: str) -> Template:
    return _parse_text(Path(path).read_text(encoding="utf-8"), path)


def _parse_text(text: str, source: str) -> Template:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{source}: TOML として読めません (not valid TOML): {exc}") from None
    return parse_template(data, source)
