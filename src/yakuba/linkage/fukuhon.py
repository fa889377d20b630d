"""The 副本 of a child's 乳幼児健診 records in a common layout (`yakuba.fukuhon/1.0`). Pure: no Django.

A city's 健康情報システム registers a 副本 of each child's checkups on its 中間サーバー so that cities
with different vendors can exchange them (情報連携, 母子保健法第19条の2). The layout is one JSON
object: the child (`local_id`, `birth_date`, `sex`, `birth`) and the checkups, each with its `kind`
and its `items` keyed by the allow-list's item codes (`checkup_date`, `height_cm`, `findings`, …).
Keyed so, a provider gives exactly the items an allow-list row names: `to_document(child, row.items)`.

- `to_document` writes a 副本 (all items, or only those asked for) and checks it against the
  published schema (`schema/fukuhon-1.0.schema.json`, the same file as `docs/linkage/`).
- `from_document` reads one back: the schema first (with jsonschema), then what a schema cannot
  say (dates in order, a body system once per checkup); every error is a `LinkageError` naming the
  JSON path (``where="checkups[1].items.height_cm"``). Another version than 1.0 is refused.
- `dumps` is the canonical form (sorted keys, no spaces, UTF-8), so its SHA-256 is stable;
  `loads` refuses more than 1 MiB, invalid UTF-8, a repeated key, NaN and Infinity.

Decimals travel as strings ("65.2", "6.540"): exact, with the precision measured, and the same
bytes on every platform. The 要配慮 問診 answers (`sensitive=True`) travel only under
`interview_sensitive`; the other 問診 answers do not travel in 1.0 (no allow-list item names them,
and their question codes are each city's own). Format: docs/linkage/fukuhon.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Collection
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any, Iterable, Iterator

import jsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from yakuba.linkage.checkup import (
    Birth,
    BodySystem,
    CheckupKind,
    CheckupRecord,
    ChildRecord,
    Dental,
    Finding,
    FindingStatus,
    InterviewAnswer,
    Judgement,
    Sex,
    Urine,
    UrineResult,
    VisionHearing,
)
from yakuba.linkage.errors import LinkageError

__all__ = ["SCHEMA_NAME", "SCHEMA_ID", "ITEMS", "ITEM_LABELS", "MAX_BYTES", "schema", "to_document",
           "from_document", "validate", "dumps", "loads", "sha256"]

SCHEMA_NAME = "yakuba.fukuhon/1.0"
SCHEMA_ID = "https://yakuba.example/schema/fukuhon/1.0"
SCHEMA_FILE = "fukuhon-1.0.schema.json"
MAX_BYTES = 1024 * 1024

# The item codes a 副本 1.0 can carry, in the allow-list's order, with the allow-list's labels.
ITEM_LABELS: dict[str, str] = {
    "checkup_date": "健診受診日", "age_in_months": "受診時月齢", "height_cm": "身長", "weight_kg": "体重",
    "chest_cm": "胸囲", "head_cm": "頭囲", "findings": "所見", "judgement": "判定", "urine": "尿検査",
    "dental": "歯科健診", "vision_hearing": "視覚・聴覚検査", "interview_sensitive": "問診（要配慮）",
}
ITEMS: tuple[str, ...] = tuple(ITEM_LABELS)

_CM = re.compile(r"(0|[1-9][0-9]{0,2})\.[0-9]")
_KG = re.compile(r"(0|[1-9][0-9]?)\.[0-9]{1,3}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# --- the schema ------------------------------------------------------------------------------------

@cache
def schema() -> dict[str, Any]:
    """The published schema (the copy shipped in the package)."""
    text = resources.files("yakuba.linkage").joinpath("schema", SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def _end_anchored(pattern: str) -> str:
    """A schema pattern for Python's `re` as ECMA-262 reads it: there `$` is the end of the string,
    in Python it also matches before a final line feed ("65.2\\n" would pass)."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + r"\Z"
    return pattern


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if isinstance(instance, str) and not re.search(_end_anchored(pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = jsonschema.validators.extend(Draft202012Validator, {"pattern": _pattern})


@cache
def _validator() -> Any:
    return _Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


# --- errors -----------------------------------------------------------------------------------------

def _where(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "$"


_FIELD_LABELS = {
    **ITEM_LABELS, "schema": "版", "local_id": "団体内統合宛名番号", "birth_date": "生年月日", "sex": "性別",
    "birth": "出生時", "checkups": "健診", "kind": "健診の種類", "detailed_exam_date": "精密検査受診日",
    "protein": "蛋白", "occult_blood": "潜血", "caries_teeth": "むし歯の本数", "nutrition": "栄養状態",
    "weight_g": "出生体重", "length_cm": "出生身長", "gestational_weeks": "在胎週数",
}


def _label(path: list[str | int]) -> str:
    """The Japanese name of the field the path ends in (or of the nearest field above it)."""
    for part in reversed(path):
        if isinstance(part, str) and part in _FIELD_LABELS:
            return _FIELD_LABELS[part]
    return ""


_JA = {
    "type": ("型が違います", "wrong type"),
    "pattern": ("形式が違います", "wrong format"),
    "format": ("日付ではありません", "not a date"),
    "enum": ("決められた値ではありません", "not one of the allowed values"),
    "const": ("決められた値ではありません", "not the allowed value"),
    "minimum": ("値が小さすぎます", "too small"),
    "maximum": ("値が大きすぎます", "too large"),
    "minLength": ("空です", "too short"),
    "maxLength": ("長すぎます", "too long"),
    "minItems": ("空の一覧です", "too few entries"),
    "maxItems": ("一覧が長すぎます", "too many entries"),
    "minProperties": ("中身がありません", "empty object"),
}


def _schema_error(error: ValidationError) -> LinkageError:
    """One schema error as one line: the JSON path of the very value, Japanese first."""
    path: list[str | int] = list(error.absolute_path)
    kind = error.validator
    if kind == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        path.append(missing[0])
        ja, en = "必要な項目がありません", "missing"
    elif kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = sorted(name for name in error.instance if name not in known)
        path.append(extra[0])
        ja, en = "副本 1.0 にない項目です", "unknown field"
    elif (forbidden := _forbidden(error)) is not None:
        path.append(forbidden)
        ja, en = "この健診・判定では持てない項目です", "not allowed for this checkup kind or judgement"
    else:
        ja, en = _JA.get(str(kind), ("スキーマに合いません", str(kind)))
    where = _where(path)
    label = _label(path)
    named = f"{label} " if label else ""
    return LinkageError(f"副本がスキーマに合いません: {named}{where}: {ja} (fukuhon does not match its schema: "
                        f"{where}: {en})", where=where)


def _fail(where: str, ja: str, en: str) -> LinkageError:
    return LinkageError(f"副本を読めません: {where}: {ja} (bad fukuhon: {where}: {en})", where=where)


def _forbidden(error: ValidationError) -> str | None:
    """The field an `{"not": {"required": [field]}}` error is about (the schema's "not here")."""
    if error.validator == "not" and isinstance(error.validator_value, dict):
        names = error.validator_value.get("required")
        if isinstance(names, list) and names:
            return str(names[0])
    return None


def _first_error(doc: Any) -> ValidationError | None:
    """The error to report: the one nearest the top, a wrong value before what it implies (an
    unknown `kind` before "no 検尿 at this kind"), then the first found."""
    def key(pair: tuple[int, ValidationError]) -> tuple[int, bool, int]:
        n, error = pair
        forbidden = _forbidden(error) is not None
        return len(error.absolute_path) + forbidden, forbidden, n
    errors = sorted(enumerate(_validator().iter_errors(doc)), key=key)
    return errors[0][1] if errors else None


def validate(doc: Any) -> None:
    """Check a 副本 document: its version, the schema, and what the schema cannot say."""
    if not isinstance(doc, dict):
        raise _fail("$", "JSON のオブジェクトではありません", "not a JSON object")
    version = doc.get("schema")
    if version != SCHEMA_NAME:
        shown = version if isinstance(version, str) else json.dumps(version, ensure_ascii=False)
        raise LinkageError(f"副本の版に対応していません: {shown[:40]} (unsupported fukuhon version; this reader "
                           f"reads {SCHEMA_NAME})", where="schema")
    error = _first_error(doc)
    if error is not None:
        raise _schema_error(error)
    birth_date = dt.date.fromisoformat(doc["birth_date"])
    for i, checkup in enumerate(doc["checkups"]):
        items = checkup["items"]
        at = f"checkups[{i}].items"
        if "checkup_date" in items:
            date = dt.date.fromisoformat(items["checkup_date"])
            if date < birth_date:
                raise _fail(f"{at}.checkup_date", "健診受診日が生年月日より前です", "checkup before the birth date")
            exam = items.get("judgement", {}).get("detailed_exam_date")
            if exam is not None and dt.date.fromisoformat(exam) < date:
                raise _fail(f"{at}.judgement.detailed_exam_date", "精密検査受診日が健診受診日より前です",
                            "detailed exam before the checkup")
        seen: set[str] = set()
        for j, finding in enumerate(items.get("findings", {}).get("systems", [])):
            if finding["system"] in seen:
                raise _fail(f"{at}.findings.systems[{j}].system", "同じ部位の所見が二つあります",
                            "a body system twice")
            seen.add(finding["system"])


# --- writing ----------------------------------------------------------------------------------------

def _decimal(value: Decimal, where: str, pattern: re.Pattern[str], min_places: int, max_places: int) -> str:
    """A measurement as its string: at least `min_places` decimals, trailing zeros beyond
    `max_places` dropped; never rounded (a value that would need rounding is refused)."""
    if not value.is_finite():
        raise _fail(where, "数値ではありません", "not a finite number")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    places = min(max(-exponent, min_places), max_places)
    quantum = Decimal(1).scaleb(-places)
    try:
        exact = value.quantize(quantum)
    except InvalidOperation:
        raise _fail(where, "桁が多すぎます", "too many digits") from None
    if exact != value:
        raise _fail(where, f"小数第{max_places}位までにしてください", f"more than {max_places} decimals")
    text = format(exact, "f")
    if not pattern.fullmatch(text):
        raise _fail(where, "範囲外の値です", "out of range")
    return text


def _cm(value: Decimal, where: str) -> str:
    return _decimal(value, where, _CM, 1, 1)


def _kg(value: Decimal, where: str) -> str:
    return _decimal(value, where, _KG, 1, 3)


def _birth(birth: Birth) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if birth.weight_g is not None:
        out["weight_g"] = birth.weight_g
    for name in ("length_cm", "head_cm", "chest_cm"):
        value = getattr(birth, name)
        if value is not None:
            out[name] = _cm(value, f"birth.{name}")
    if birth.gestational_weeks is not None:
        out["gestational_weeks"] = birth.gestational_weeks
    return out


def _items(record: CheckupRecord, wanted: frozenset[str], at: str) -> dict[str, Any]:
    """The checkup's items that are wanted and have a value (absent: no value)."""
    all_items: dict[str, Any] = {"checkup_date": record.checkup_date.isoformat(),
                                 "age_in_months": record.age_in_months}
    for name in ("height_cm", "chest_cm", "head_cm"):
        value = getattr(record, name)
        if value is not None and name in wanted:
            all_items[name] = _cm(value, f"{at}.{name}")
    if record.weight_kg is not None and "weight_kg" in wanted:
        all_items["weight_kg"] = _kg(record.weight_kg, f"{at}.weight_kg")
    findings: dict[str, Any] = {}
    if record.findings:
        findings["systems"] = [{"system": f.system.value, "status": f.status.value,
                                **({"note": f.note} if f.note else {})} for f in record.findings]
    if record.nutrition:
        findings["nutrition"] = record.nutrition
    if findings:
        all_items["findings"] = findings
    if record.judgement is not None:
        judgement: dict[str, Any] = {"result": record.judgement.value}
        if record.detailed_exam_date is not None:
            judgement["detailed_exam_date"] = record.detailed_exam_date.isoformat()
        all_items["judgement"] = judgement
    elif record.detailed_exam_date is not None:
        raise _fail(f"{at}.judgement", "判定のない精密検査受診日です", "a detailed exam date without a judgement")
    if record.urine is not None:
        all_items["urine"] = {"protein": record.urine.protein.value, "occult_blood": record.urine.occult_blood.value}
    if record.dental is not None:
        all_items["dental"] = {"caries_teeth": record.dental.caries_teeth,
                               **({"note": record.dental.note} if record.dental.note else {})}
    if record.vision_hearing is not None:
        all_items["vision_hearing"] = {"eyes": record.vision_hearing.eyes, "ears": record.vision_hearing.ears}
    sensitive = [{"question": a.question, "answer": a.answer} for a in record.interview if a.sensitive]
    if sensitive:
        all_items["interview_sensitive"] = sensitive
    return {name: value for name, value in all_items.items() if name in wanted}


def to_document(child: ChildRecord, items: Collection[str] | None = None) -> dict[str, Any]:
    """The 副本 of `child`: all items (None), or only `items` (an allow-list row's). The child's
    birth measurements travel only in the whole 副本 (no allow-list item names them)."""
    if items is None:
        wanted = frozenset(ITEMS)
    else:
        wanted = frozenset(items)
        unknown = sorted(wanted - set(ITEMS))
        if unknown:
            raise LinkageError(f"副本 1.0 にない項目です: {', '.join(unknown)} (items a fukuhon 1.0 cannot "
                               f"carry)", where="items")
    doc: dict[str, Any] = {"schema": SCHEMA_NAME, "local_id": child.local_id,
                           "birth_date": child.birth_date.isoformat(), "sex": child.sex.value}
    if items is None:
        birth = _birth(child.birth)
        if birth:
            doc["birth"] = birth
    doc["checkups"] = [{"kind": record.kind.value, "items": _items(record, wanted, f"checkups[{i}].items")}
                       for i, record in enumerate(child.checkups)]
    validate(doc)
    return doc


# --- reading ----------------------------------------------------------------------------------------

def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _record(checkup: dict[str, Any], at: str) -> CheckupRecord:
    items = checkup["items"]
    for name in ("checkup_date", "age_in_months"):
        if name not in items:
            raise _fail(f"{at}.{name}", f"{ITEM_LABELS[name]}のない健診は健診記録に読めません",
                        f"a checkup record needs {name}")
    findings = items.get("findings", {})
    judgement = items.get("judgement")
    urine = items.get("urine")
    dental = items.get("dental")
    vision = items.get("vision_hearing")
    return CheckupRecord(
        kind=CheckupKind(checkup["kind"]),
        checkup_date=_date(items["checkup_date"]),
        age_in_months=items["age_in_months"],
        height_cm=_dec(items.get("height_cm")),
        weight_kg=_dec(items.get("weight_kg")),
        chest_cm=_dec(items.get("chest_cm")),
        head_cm=_dec(items.get("head_cm")),
        findings=tuple(Finding(BodySystem(f["system"]), FindingStatus(f["status"]), f.get("note", ""))
                       for f in findings.get("systems", [])),
        judgement=Judgement(judgement["result"]) if judgement else None,
        detailed_exam_date=_date(judgement["detailed_exam_date"]) if judgement and "detailed_exam_date" in judgement
        else None,
        urine=Urine(UrineResult(urine["protein"]), UrineResult(urine["occult_blood"])) if urine else None,
        nutrition=findings.get("nutrition", ""),
        dental=Dental(dental["caries_teeth"], dental.get("note", "")) if dental else None,
        vision_hearing=VisionHearing(vision["eyes"], vision["ears"]) if vision else None,
        interview=tuple(InterviewAnswer(a["question"], a["answer"], sensitive=True)
                        for a in items.get("interview_sensitive", [])),
    )


def from_document(doc: Any) -> ChildRecord:
    """A 副本 back as a `ChildRecord`, after `validate`. Each checkup needs `checkup_date` and
    `age_in_months` (a record without them is no `CheckupRecord`); absent items read as no value."""
    validate(doc)
    birth = doc.get("birth", {})
    return ChildRecord(
        local_id=doc["local_id"],
        birth_date=_date(doc["birth_date"]),
        sex=Sex(doc["sex"]),
        birth=Birth(weight_g=birth.get("weight_g"), length_cm=_dec(birth.get("length_cm")),
                    head_cm=_dec(birth.get("head_cm")), chest_cm=_dec(birth.get("chest_cm")),
                    gestational_weeks=birth.get("gestational_weeks")),
        checkups=tuple(_record(c, f"checkups[{i}].items") for i, c in enumerate(doc["checkups"])),
    )


# --- bytes ------------------------------------------------------------------------------------------

def dumps(doc: dict[str, Any]) -> bytes:
    """The canonical bytes of a document: sorted keys, no spaces, UTF-8 (not \\u escapes)."""
    try:
        return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False).encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError) as error:
        raise LinkageError("副本を JSON にできません (the fukuhon cannot be written as JSON)",
                           detail=type(error).__name__) from None


def sha256(doc: dict[str, Any]) -> str:
    """Hex SHA-256 of the canonical bytes."""
    return hashlib.sha256(dumps(doc)).hexdigest()


class _Duplicate(LinkageError):
    """A key repeated in one JSON object, caught and reported by `loads`."""

    def __init__(self, key: str) -> None:
        super().__init__(f"キーが重複しています (duplicate key): {key}")
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _strings_encode(value: Any) -> None:
    """Refuse lone surrogates (``"\\ud800"`` is valid JSON but no UTF-8)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            item.encode("utf-8")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def loads(data: bytes) -> dict[str, Any]:
    """A 副本's bytes as a document (not yet validated: `from_document` does that)."""
    if not isinstance(data, (bytes, bytearray)):
        raise _fail("$", "バイト列ではありません", "not bytes")
    if len(data) > MAX_BYTES:
        raise _fail("$", f"大きすぎます ({len(data)} バイト、上限 {MAX_BYTES})", f"larger than {MAX_BYTES} bytes")
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as error:
        raise _fail(f"byte {error.start}", "UTF-8 ではありません", "invalid UTF-8") from None
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
        _strings_encode(doc)
    except _Duplicate as error:
        raise _fail("$", f"同じキーが二度あります: {error.key[:40]}", "a repeated key") from None
    except json.JSONDecodeError as error:
        raise _fail(f"line {error.lineno} column {error.colno}", "JSON ではありません", error.msg) from None
    except UnicodeEncodeError:
        raise _fail("$", "文字として不正な値があります (サロゲート)", "a lone surrogate") from None
    except ValueError as error:
        raise _fail("$", f"JSON の数値ではありません: {error}", "NaN or Infinity") from None
    except RecursionError:
        raise _fail("$", "入れ子が深すぎます", "nested too deeply") from None
    if not isinstance(doc, dict):
        raise _fail("$", "JSON のオブジェクトではありません", "not a JSON object")
    return doc
