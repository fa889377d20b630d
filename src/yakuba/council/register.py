"""The 個人情報ファイル簿 (個人情報保護法第74条・第75条) drawn from the code. Pure: no Django.

Every model field that holds personal data declares its category, purpose and retention
(`yakuba.privacy.declarations`); `files.toml` gathers the models into the files a city registers; the
city profile's `register.toml` adds what only the city can write (the unit, regular recipients, where
開示・訂正・利用停止 requests go, special procedures). `build` refuses a declared field that belongs to no
file, or to two. The register as canonical JSON (`dumps`) is what a release publishes; `diff` between two
of them says what an update does to the register ("この更新で…記録項目…が加わります").
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from dataclasses import asdict, dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol

from yakuba.errors import YakubaError

__all__ = ["RegisterError", "Item", "RegisterFile", "Register", "load_files", "load_city", "build", "dumps",
           "loads", "to_csv", "diff", "CITY_ITEMS", "NOT_WRITTEN"]

FILES_FORMAT = "yakuba-register-files/1"
REGISTER_FORMAT = "yakuba-register/1"
CITY_ITEMS = ("unit", "recipients", "requests", "other_laws")
"""What the city writes per file (register.toml): 利用する組織, 経常的提供先, 開示請求等を受理する組織, 他の法令の特別の手続."""
NOT_WRITTEN = "(市が未記入)"
SENSITIVE_CATEGORIES = {"sensitive", "health"}  # 病歴・健康診断の結果は要配慮個人情報(法第2条第3項、施行令第2条)


class RegisterError(YakubaError):
    code = "council.register"
    default_message = "個人情報ファイル簿を作れません (cannot make the register)"


class Declared(Protocol):
    """What `yakuba.personal.DeclaredField` offers."""

    app_label: str
    model: str
    field: str
    verbose_name: str
    declaration: Any


@dataclass(frozen=True)
class Item:
    """One 記録項目: a declared field."""

    field: str  # app.Model.field
    label: str
    category: str
    category_label: str
    purpose: str
    retention: str


@dataclass(frozen=True)
class RegisterFile:
    code: str
    name: str
    institution: str
    unit: str
    purposes: tuple[str, ...]
    items: tuple[Item, ...]
    scope: str
    collection: str
    sensitive: bool
    recipients: str
    requests: str
    other_laws: str
    processing: str
    retentions: tuple[str, ...]
    exempt: str = ""

    @property
    def not_written(self) -> list[str]:
        return [name for name in CITY_ITEMS if getattr(self, name) == NOT_WRITTEN]


@dataclass(frozen=True)
class Register:
    city: str
    files: tuple[RegisterFile, ...]
    source: str = ""  # e.g. the release or commit it was drawn from
    format: str = field(default=REGISTER_FORMAT)


def _toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegisterError(f"{where}: TOML として読めません (not TOML): {exc}", where=where) from None


def load_files(path: Path | str | None = None) -> list[dict[str, Any]]:
    """The files of `files.toml` (the shipped one by default), checked."""
    where = str(path) if path else "yakuba/council/files.toml"
    text = Path(path).read_text(encoding="utf-8") if path else \
        resources.files("yakuba.council").joinpath("files.toml").read_text(encoding="utf-8")
    doc = _toml(text, where)
    if doc.get("format") != FILES_FORMAT:
        raise RegisterError(f"{where}: format は {FILES_FORMAT} です", where=where)
    files = doc.get("files")
    if not isinstance(files, list) or not files:
        raise RegisterError(f"{where}: [[files]] がありません (no files)", where=where)
    required = {"code", "name", "models", "processing", "scope", "collection"}
    seen: set[str] = set()
    for number, f in enumerate(files, 1):
        at = f"{where} files[{number}]"
        if not isinstance(f, dict) or not required <= set(f) or set(f) - required - {"exempt"}:
            raise RegisterError(f"{at}: 項目は {', '.join(sorted(required))} (と exempt) です", where=at)
        if f["code"] in seen:
            raise RegisterError(f"{at}: code {f['code']!r} が重複しています", where=at)
        seen.add(f["code"])
        if not isinstance(f["models"], list) or not all(isinstance(m, str) and m.count(".") == 1 for m in f["models"]):
            raise RegisterError(f"{at}: models は app.Model の一覧です", where=at)
    return files


def load_city(folder: Path | None) -> dict[str, Any]:
    """The city's part (`register.toml` of its profile): ``[defaults]`` and ``[files.<code>]`` with the
    items of `CITY_ITEMS`; {} when the profile has none."""
    path = folder / "register.toml" if folder else None
    if path is None or not path.is_file():
        return {}
    doc = _toml(path.read_text(encoding="utf-8"), str(path))
    unknown = set(doc) - {"defaults", "files"}
    if unknown:
        raise RegisterError(f"{path}: 知らない表です: {', '.join(sorted(unknown))}", where=str(path))
    for section, table in [("defaults", doc.get("defaults", {})), *((f"files.{k}", v) for k, v in
                                                                  doc.get("files", {}).items())]:
        if not isinstance(table, dict) or set(table) - set(CITY_ITEMS) \
                or not all(isinstance(v, str) and v.strip() for v in table.values()):
            raise RegisterError(f"{path} [{section}]: 項目は {', '.join(CITY_ITEMS)} (空でない文字列) です",
                                where=f"{path} [{section}]")
    return doc


def build(city: str, declared: Iterable[Declared], *, files: list[dict[str, Any]] | None = None,
          city_part: Mapping[str, Any] | None = None, source: str = "") -> Register:
    """The register of `city`: every declared field in the one file that names its model."""
    files = load_files() if files is None else files
    city_part = city_part or {}
    owner: dict[str, str] = {}
    for f in files:
        for model in f["models"]:
            if model in owner:
                raise RegisterError(f"モデル {model} が2つのファイル({owner[model]}, {f['code']})にあります",
                                    where=model)
            owner[model] = f["code"]
    by_file: dict[str, list[Item]] = {f["code"]: [] for f in files}
    orphans = []
    for d in declared:
        model = f"{d.app_label}.{d.model}"
        decl = d.declaration
        item = Item(f"{model}.{d.field}", d.verbose_name, str(decl.category.value), str(decl.category.label),
                    decl.purpose, decl.retention)
        if model not in owner:
            orphans.append(item.field)
        else:
            by_file[owner[model]].append(item)
    if orphans:
        raise RegisterError(f"どのファイルにも属さない個人情報の項目があります (declared fields in no file): "
                            f"{', '.join(sorted(orphans))}", where="yakuba/council/files.toml")
    defaults = dict(city_part.get("defaults", {}))
    out = []
    for f in files:
        items = tuple(sorted(by_file[f["code"]], key=lambda i: i.field))
        mine = {**defaults, **dict(city_part.get("files", {}).get(f["code"], {}))}
        out.append(RegisterFile(
            code=f["code"], name=f["name"], institution=city, unit=mine.get("unit", NOT_WRITTEN),
            purposes=tuple(sorted({i.purpose for i in items})), items=items, scope=f["scope"],
            collection=f["collection"], sensitive=any(i.category in SENSITIVE_CATEGORIES for i in items),
            recipients=mine.get("recipients", NOT_WRITTEN), requests=mine.get("requests", NOT_WRITTEN),
            other_laws=mine.get("other_laws", NOT_WRITTEN), processing=f["processing"],
            retentions=tuple(sorted({i.retention for i in items})), exempt=f.get("exempt", "")))
    return Register(city, tuple(out), source)


def dumps(register: Register) -> bytes:
    """Canonical JSON: the same register gives the same bytes (what a release publishes)."""
    return (json.dumps(asdict(register), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("a list of text")
    return tuple(value)


def _item(doc: Any) -> Item:
    if not isinstance(doc, dict) or set(doc) != {f.name for f in fields(Item)} \
            or not all(isinstance(v, str) for v in doc.values()):
        raise TypeError("an item")
    return Item(**doc)


def _file(doc: Any) -> RegisterFile:
    names = {f.name for f in fields(RegisterFile)}
    if not isinstance(doc, dict) or set(doc) != names or not isinstance(doc["sensitive"], bool) \
            or not isinstance(doc["items"], list) \
            or not all(isinstance(doc[k], str) for k in names - {"sensitive", "items", "purposes", "retentions"}):
        raise TypeError("a file")
    return RegisterFile(**{**doc, "purposes": _strs(doc["purposes"]), "retentions": _strs(doc["retentions"]),
                           "items": tuple(_item(i) for i in doc["items"])})


def loads(data: bytes, *, where: str = "register") -> Register:
    """A register written by `dumps`, checked field by field; `RegisterError` otherwise."""
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != REGISTER_FORMAT or not isinstance(doc.get("city"), str) \
                or not isinstance(doc.get("source", ""), str) or not isinstance(doc.get("files"), list):
            raise TypeError("a register")
        return Register(doc["city"], tuple(_file(f) for f in doc["files"]), doc.get("source", ""))
    except (UnicodeDecodeError, ValueError, TypeError, RecursionError):
        raise RegisterError(f"{where}: {REGISTER_FORMAT} の JSON ではありません (not a register file)",
                            where=where) from None


COLUMNS = [("name", "個人情報ファイルの名称"), ("institution", "行政機関等の名称"), ("unit", "利用する事務をつかさどる組織"),
           ("purposes", "利用目的"), ("items", "記録項目"), ("scope", "記録範囲"), ("collection", "記録情報の収集方法"),
           ("sensitive", "要配慮個人情報が含まれるとき、その旨"), ("recipients", "記録情報の経常的提供先"),
           ("requests", "開示請求等を受理する組織"), ("other_laws", "他の法令の規定による特別の手続等"),
           ("processing", "電算処理・マニュアル処理の別"), ("retentions", "保存期間"), ("exempt", "備考")]


def cell(f: RegisterFile, name: str) -> str:
    value = getattr(f, name)
    if name == "items":
        return "、".join(f"{i.label}({i.category_label})" for i in value)
    if name == "sensitive":
        return "含む" if value else "含まない"
    if isinstance(value, tuple):
        return "/".join(value)
    return str(value)


def to_csv(register: Register) -> bytes:
    """One row per file, the columns of 法第75条 (UTF-8 with BOM, for spreadsheet software)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _, label in COLUMNS])
    for f in register.files:
        writer.writerow([cell(f, name) for name, _ in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def diff(old: Register, new: Register) -> list[str]:
    """What `new` changes in the register against `old`, one line each, in Japanese (empty: nothing)."""
    lines: list[str] = []
    before = {f.code: f for f in old.files}
    after = {f.code: f for f in new.files}
    for code in sorted(set(after) - set(before)):
        lines.append(f"ファイルの追加: 「{after[code].name}」({len(after[code].items)} 項目)")
    for code in sorted(set(before) - set(after)):
        lines.append(f"ファイルの削除: 「{before[code].name}」")
    for code in sorted(set(before) & set(after)):
        b, a = before[code], after[code]
        b_items, a_items = {i.field: i for i in b.items}, {i.field: i for i in a.items}
        for name in sorted(set(a_items) - set(b_items)):
            i = a_items[name]
            lines.append(f"記録項目の追加: 「{a.name}」に「{i.label}」({i.category_label}, {i.field})")
        for name in sorted(set(b_items) - set(a_items)):
            i = b_items[name]
            lines.append(f"記録項目の削除: 「{a.name}」から「{i.label}」({i.field})")
        for name in sorted(set(a_items) & set(b_items)):
            if a_items[name] != b_items[name]:
                lines.append(f"記録項目の変更: 「{a.name}」の「{a_items[name].label}」({name}): "
                             f"{_change(b_items[name], a_items[name])}")
        for attr, label in COLUMNS:
            if attr != "items" and getattr(a, attr) != getattr(b, attr):
                lines.append(f"{label}の変更: 「{a.name}」: {cell(b, attr)} → {cell(a, attr)}")
    return lines


def _change(b: Item, a: Item) -> str:
    parts = []
    for attr, label in (("label", "名称"), ("category_label", "区分"), ("purpose", "利用目的"), ("retention", "保存期間")):
        if getattr(a, attr) != getattr(b, attr):
            parts.append(f"{label} {getattr(b, attr)} → {getattr(a, attr)}")
    return "、".join(parts)
