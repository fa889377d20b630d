"""Reading scanned application forms: the stages from a page image to one result line.

Stages, in order (each a function here, named as in the progress display):

1. **load** — :func:`load_pages`: image files (PNG, JPEG, TIFF) give one page named by the file;
   a PDF gives one page per embedded scan image, named ``<file name>#<page number>``.
2. **align** — :func:`yakuba.ocr.align.align` puts the page onto the template (fiducial marks, else
   OpenCV features + homography). A page that cannot be trusted is *reported*: every field goes
   to review with the reason, nothing is guessed.
3. **crop + recognise** — per field: checkboxes by ink ratio (an ambiguous band goes to review),
   free text (kanji, katakana) through ``engine.read_text``, boxed characters (digits, codes, 〒,
   phone) through ``engine.read_cells``; dates read their era boxes and their year/month/day cells
   and are composed through the era (和暦 → 西暦).
4. **canonical** — :func:`yakuba.ocr.canonical.canonical`: one form per field type (dates
   ``YYYY-MM-DD``, month ``YYYY-MM``, 〒 seven digits, phone digits only, checkbox "1"/"0").
5. **checks** — :func:`yakuba.ocr.checks.check_page`: 〒 against 住所, real dates, phone shape,
   フリガナ against 氏名, known facility codes (the city profile's, `yakuba.cityprofile`, unless
   given); a field a check flags goes to review with the reason.
6. **decide** — :func:`yakuba.ocr.checks.decide`: accepted only above the type's threshold in
   ``policy.toml`` and unflagged.

:func:`read_image` runs 2–6 on one page; :func:`read_paths` runs everything over files and folders,
pages in parallel worker processes (one recogniser each), in input order, and reports progress.
Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import multiprocessing
import os
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import BinaryIO, Callable, Collection, Iterable, Iterator, Sequence

import cv2
import numpy as np
from PIL import Image

from yakuba.cityprofile.load import current as city_profile
from yakuba.errors import YakubaError
from yakuba.files import write_atomic, write_bytes_atomic
from yakuba.ocr import canonical as canon
from yakuba.ocr import limits
from yakuba.ocr.align import Aligned, AlignmentError, align, crop, crops, ink_ratio
from yakuba.ocr.checks import check_page, decide, reconcile_name, threshold
from yakuba.ocr.engines import Engine, Reading, get_engine, read_checkbox
from yakuba.ocr.render import box_px
from yakuba.ocr.template import Box, Field, Template, load_template

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
PDF_SUFFIX = ".pdf"
ERA_PARTS = {"era_seireki": "西暦", "era_reiwa": "令和", "era_heisei": "平成"}
DPI = 200


class PipelineError(YakubaError, ValueError):
    """An input that cannot be read at all (not a page's content: that is reported per page)."""

    exit_code = 1


@dataclass(frozen=True)
class FieldResult:
    value: str
    confidence: float
    status: str  # "accepted" | "review"
    reason: str
    type: str

    def to_json(self) -> dict:
        return {"value": self.value, "confidence": round(float(self.confidence), 4), "status": self.status,
                "reason": self.reason}


@dataclass
class PageResult:
    page: str
    fields: dict[str, FieldResult]
    error: str | None = None
    seconds: float = 0.0
    aligned: np.ndarray | None = dc_field(default=None, repr=False)

    def to_json(self) -> dict:
        out: dict = {"page": self.page, "fields": {k: v.to_json() for k, v in self.fields.items()}}
        if self.error:
            out["error"] = self.error
        return out

    @property
    def accepted(self) -> int:
        return sum(1 for f in self.fields.values() if f.status == "accepted")


# --------------------------------------------------------------------------- stage 1: load


def decode_image(data: bytes, where: str, max_pixels: int | None = None) -> np.ndarray:
    """A grayscale image from the bytes of a PNG, JPEG, TIFF or BMP file (PipelineError if none).

    Its size is read from the header first: over `max_pixels` (`yakuba.ocr.limits`) it is refused
    with `ScanTooLarge` before a pixel is decoded (a decompression bomb never reaches OpenCV)."""
    if not data:
        raise PipelineError(f"{where}: ファイルが空です (0 バイト) (an empty file)", where=where)
    try:
        limits.check_image(data, where, max_pixels)
    except limits.NotAnImage:
        raise PipelineError(f"{where}: 画像として読めません (not a readable image)", where=where) from None
    try:
        img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    except cv2.error:
        img = None
    if img is None:
        # TIFF variants / PIL-only formats
        try:
            with Image.open(io.BytesIO(data)) as im:
                img = np.asarray(im.convert("L"))
        except Exception:
            raise PipelineError(f"{where}: 画像として読めません (not a readable image)") from None
    return img


def _pdf_pages(file_name: str, data: bytes) -> Iterator[tuple[str, np.ndarray]]:
    from pypdf import PdfReader  # 0.3 s to import: only when a PDF is read
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        count = len(reader.pages)
        limits.check_pages(count, file_name)  # counted before any page is rendered
        pages = list(reader.pages)
    except limits.ScanTooLarge as exc:
        raise PipelineError(str(exc), where=file_name) from None
    except (PdfReadError, OSError, ValueError) as exc:
        raise PipelineError(f"{file_name}: PDF として読めません ({exc})", where=file_name) from None
    if not pages:
        raise PipelineError(f"{file_name}: PDF にページがありません (0 ページ) (the PDF has no page)",
                            where=file_name)
    for n, page in enumerate(pages, 1):
        name = f"{file_name}#{n}"
        try:
            limits.check_pdf_page(page, name)  # its images' sizes from their dictionaries, before decoding
        except limits.ScanTooLarge as exc:
            yield name, _unreadable(str(exc))
            continue
        try:
            images = list(page.images)
        except Exception as exc:  # a broken image stream: that page is unreadable, not the file
            yield name, _unreadable(f"ページの画像を取り出せません ({exc})")
            continue
        if not images:
            yield name, _unreadable("ページにスキャン画像がありません (no scanned image on the page)")
            continue
        biggest = max(images, key=lambda im: len(im.data))
        try:
            yield name, decode_image(biggest.data, name)
        except (PipelineError, limits.ScanTooLarge) as exc:
            yield name, _unreadable(str(exc))


class _Unreadable(np.ndarray):
    """A placeholder page that carries why it could not be decoded (aligning it fails with that)."""

    reason: str


def _unreadable(reason: str) -> np.ndarray:
    arr = np.zeros((1, 1), np.uint8).view(_Unreadable)
    arr.reason = reason
    return arr


def load_pages(path: str | Path) -> Iterator[tuple[str, np.ndarray]]:
    """(page name, grayscale image) for an image file or each page of a PDF."""
    path = Path(path)
    if not path.is_file():
        raise PipelineError(f"{path}: ファイルがありません (no such file)")
    if path.suffix.lower() not in (*IMAGE_SUFFIXES, PDF_SUFFIX):
        raise PipelineError(f"{path.name}: 対応していない形式です (use PNG, JPEG, TIFF or PDF)")
    yield from pages_from_bytes(path.name, path.read_bytes())


def pages_from_bytes(file_name: str, data: bytes) -> Iterator[tuple[str, np.ndarray]]:
    """:func:`load_pages` for a file held in memory (a scan decrypted from the vault never needs
    to be written out): ``file_name`` gives the kind (by its suffix) and the page names."""
    suffix = Path(file_name).suffix.lower()
    if suffix == PDF_SUFFIX:
        yield from _pdf_pages(file_name, data)
    elif suffix in IMAGE_SUFFIXES:
        try:
            yield file_name, decode_image(data, file_name)
        except (PipelineError, limits.ScanTooLarge) as exc:
            yield file_name, _unreadable(str(exc))
    else:
        raise PipelineError(f"{file_name}: 対応していない形式です (use PNG, JPEG, TIFF or PDF)")


def input_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files to read: a folder gives its images and PDFs (sorted by name), a file itself."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir()
                              if f.is_file() and f.suffix.lower() in (*IMAGE_SUFFIXES, PDF_SUFFIX)))
        elif p.is_file():
            out.append(p)
        else:
            raise PipelineError(f"{p}: ファイルもフォルダもありません (no such file or folder)")
    return out


# --------------------------------------------------------------------------- stage 3: recognise


def _checkbox(aligned: Aligned, box: Box) -> Reading:
    return read_checkbox(crop(aligned, box))


BLANK_INK, SURE_INK = 0.0012, 0.0025
"""Ink ratio inside a text box (shrunk by :data:`INSET_MM` from the printed frame, whose lines are
then never counted, even when a washed-out scan has lost them): below BLANK_INK the box is empty
(read as ""), between the two it may be a stray mark or dust (read as "", sent to review); above
SURE_INK it is read. Measured on synthetic pages: empty boxes at most 0.0005 (speckle), the faintest
written katakana 0.0033."""
INSET_MM = 0.8


def _blank(aligned: Aligned, f: Field) -> Reading | None:
    r = ink_ratio(crop(aligned, f.box, margin_mm=-INSET_MM), frame=False)
    if r < BLANK_INK:
        return Reading("", 0.99)
    if r < SURE_INK:
        return Reading("", 0.5)
    return None


def _date(aligned: Aligned, f: Field, engine: Engine) -> tuple[str, float, list[str], dict[str, str]]:
    """(canonical date, confidence, reasons, era ticks keyed ``<field>_era_<元号>``)."""
    eras: dict[str, str] = {}
    conf = 1.0
    digits: dict[str, str] = {}
    for part in f.parts:
        if part.id in ERA_PARTS:
            r = _checkbox(aligned, part.box)
            eras[f"{f.id}_era_{ERA_PARTS[part.id]}"] = r.text
            # a tick box outside the ambiguous band is certain (empty ≤ 0.006, ticked ≥ 0.146 against
            # bands at 0.03/0.07): its ink-ratio confidence is on the checkbox scale, not the digits'
            conf = min(conf, 1.0 if r.confidence > threshold("checkbox") else r.confidence)
        else:
            r = engine.read_cells(crops(aligned, part), "digits")
            digits[part.id] = r.text
            conf = min(conf, r.confidence)
    ticked = [ERA_PARTS[p] for p in ERA_PARTS if eras.get(f"{f.id}_era_{ERA_PARTS[p]}") == "1"]
    year, month, day = digits.get("year", ""), digits.get("month", ""), digits.get("day", "")
    if not (year or month or day):
        return "", conf if not ticked else min(conf, 0.5), [], eras
    era = ticked[0] if len(ticked) == 1 else ("西暦" if len(year) == 4 else None)
    if len(ticked) > 1 or (era is None):
        return "", 0.0, ["元号の選択が読み取れません"], eras
    if era != "西暦" and len(year) == 4:
        era = "西暦"  # a four-digit year is a 西暦 year whatever box was ticked: the check flags the tick
    try:
        value = canon.compose_date(era, year, month, day)
    except ValueError as exc:
        return "", 0.0, [str(exc)], eras
    return value, conf, [], eras


def _month(aligned: Aligned, f: Field, engine: Engine) -> tuple[str, float, list[str]]:
    parts = {p.id: engine.read_cells(crops(aligned, p), "digits") for p in f.parts}
    conf = min(r.confidence for r in parts.values())
    year, month = parts["year"].text, parts["month"].text
    if not year and not month:
        return "", conf, []
    try:
        return canon.month(f"{year}-{month}"), conf, []
    except ValueError as exc:
        return "", 0.0, [str(exc)]


def recognise(aligned: Aligned, engine: Engine) -> tuple[dict[str, tuple[str, float, list[str], str]], dict[str, str]]:
    """field id → (canonical value, confidence, reasons, type); plus the era ticks for the checks."""
    out: dict[str, tuple[str, float, list[str], str]] = {}
    extra: dict[str, str] = {}
    for f in aligned.template.fields:
        reasons: list[str] = []
        if f.type == "checkbox":
            r = _checkbox(aligned, f.box)
            value, conf = r.text, r.confidence
        elif f.type == "date":
            value, conf, reasons, eras = _date(aligned, f, engine)
            extra.update(eras)
        elif f.type == "month":
            value, conf, reasons = _month(aligned, f, engine)
        else:
            if f.is_cells:
                r = engine.read_cells(crops(aligned, f), f.type)
            else:
                box = crops(aligned, f)[0]
                r = _blank(aligned, f) or engine.read_text(box, f.type)
            conf = r.confidence
            try:
                value = canon.canonical(f.type, r.text)
            except ValueError as exc:
                value, reasons = canon.nfkc(r.text).strip(), [str(exc)]
        out[f.id] = (value, float(conf), reasons, f.type)
    return out, extra


# --------------------------------------------------------------------------- one page


def _reconcile_names(read: dict[str, tuple[str, float, list[str], str]], template: Template) -> None:
    """Each 氏名 against its フリガナ (``<who>_name`` beside ``<who>_kana``); other free text
    (住所, 勤務先, 続柄) is written without spaces, so a gap the reader saw there is dropped."""
    for fid, (value, conf, reasons, ftype) in list(read.items()):
        if ftype == "kanji" and not fid.endswith("_name"):
            read[fid] = (value.replace(" ", ""), conf, reasons, ftype)
    for fid, (name, n_conf, n_reasons, ftype) in list(read.items()):
        kid = fid[: -len("_name")] + "_kana"
        if ftype != "kanji" or not fid.endswith("_name") or kid not in read:
            continue
        kana, k_conf, k_reasons, k_type = read[kid]
        if n_reasons or k_reasons:
            continue
        if bool(name) != bool(kana):  # one written, the other read as blank: a faint hand, not a blank
            why = "氏名とフリガナの一方だけが読み取れました"
            read[fid] = (name, min(n_conf, 0.5), [why], ftype)
            read[kid] = (kana, min(k_conf, 0.5), [why], k_type)
            continue
        name, kana, k_conf, n_why, k_why = reconcile_name(name, kana, k_conf)
        if not n_why and name and k_conf <= threshold("katakana"):
            # a 氏名 is only as sure as the フリガナ beside it: a stroke dropped from a rare kanji
            # (颯太 read as 太) comes out confident, the フリガナ (ソウタ) does not agree
            n_why = "フリガナが確定していないため、氏名も確認してください"
        read[fid] = (name, n_conf, [n_why] if n_why else [], ftype)
        read[kid] = (kana, k_conf, [k_why] if k_why else [], k_type)


def read_image(image: np.ndarray, page: str, *, engine: Engine | None = None, template: Template | None = None,
               facility_codes: Collection[str] | None = None, today: dt.date | None = None,
               keep_image: bool = True) -> PageResult:
    """Stages 2–6 on one page image (grayscale or BGR)."""
    started = time.perf_counter()
    template = template or city_profile().load_template()
    engine = engine or default_engine()
    if facility_codes is None:  # the city's 希望施設 codes (its profile's facilities.csv)
        facility_codes = city_profile().facility_codes
    today = today or dt.date.today()
    types = template.types()
    try:
        if isinstance(image, _Unreadable):
            raise AlignmentError(image.reason)
        aligned = align(image, template, DPI)
    except AlignmentError as exc:
        reason = f"ページを様式に合わせられません: {exc.reason}"
        fields = {fid: FieldResult("", 0.0, "review", reason, t) for fid, t in types.items()}
        return PageResult(page, fields, exc.reason, time.perf_counter() - started)
    read, eras = recognise(aligned, engine)
    _reconcile_names(read, template)
    values = {fid: v[0] for fid, v in read.items()}
    flagged = check_page({**values, **eras}, facility_codes=facility_codes, today=today)
    for key, reason in list(flagged.items()):  # an era tick flagged → its date field
        base = key.split("_era_")[0] if "_era_" in key else key
        if base != key and base in read:
            flagged.setdefault(base, reason)
    fields: dict[str, FieldResult] = {}
    for fid, (value, conf, reasons, ftype) in read.items():
        status, reason = decide(ftype, Reading(value, conf), [*reasons, flagged.get(fid, "")])
        fields[fid] = FieldResult(value, conf, status, reason, ftype)
    return PageResult(page, fields, None, time.perf_counter() - started, aligned.image if keep_image else None)


def field_crop(aligned: np.ndarray, template: Template, field_id: str, dpi: int = DPI,
               margin_mm: float = 1.5) -> np.ndarray:
    """The field's image on the aligned page, with a small margin (for the verification screen)."""
    f = template.field(field_id)
    b = _outline(f)
    x0, y0, x1, y1 = box_px(b.grown(margin_mm), dpi)
    h, w = aligned.shape[:2]
    return aligned[max(0, y0):min(h, y1), max(0, x0):min(w, x1)].copy()


def _outline(f: Field) -> Box:
    boxes = [leaf.box for leaf in f.leaves()] or [f.box]
    x0, y0 = min(b.x for b in boxes), min(b.y for b in boxes)
    x1, y1 = max(b.right for b in boxes), max(b.bottom for b in boxes)
    return Box(x0, y0, x1 - x0, y1 - y0)


def redact(aligned: np.ndarray, template: Template, field_ids: Iterable[str], dpi: int = DPI) -> np.ndarray:
    """A copy of the page with those fields painted over (an operator's whole-page view)."""
    out = aligned.copy()
    for fid in field_ids:
        b = _outline(template.field(fid))
        x0, y0, x1, y1 = box_px(b.grown(1), dpi)
        out[max(0, y0):y1, max(0, x0):x1] = 40
    return out


# --------------------------------------------------------------------------- many pages

_ENGINE: Engine | None = None
_ENGINE_PID = 0


def default_engine(name: str = "rapidocr") -> Engine:
    """One engine per process (the recogniser's session is the costly part). A worker forked from
    a process that already had one makes its own: an ONNX session is not to be shared across fork."""
    global _ENGINE, _ENGINE_PID
    if _ENGINE is None or getattr(_ENGINE, "name", None) != name or _ENGINE_PID != os.getpid():
        _ENGINE, _ENGINE_PID = get_engine(name), os.getpid()
    return _ENGINE


@dataclass(frozen=True)
class _Job:
    engine: str
    facility_codes: tuple[str, ...] | None
    today: dt.date | None
    template_path: str | None


def _worker_init() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # the processes share the cores: one ONNX thread each


def _read_file(args: tuple[_Job, str]) -> list[dict]:
    job, path = args
    template = load_template(path=job.template_path) if job.template_path else city_profile().load_template()
    engine = default_engine(job.engine)
    out = []
    try:
        for name, image in load_pages(path):
            try:
                r = read_image(image, name, engine=engine, template=template, facility_codes=job.facility_codes,
                               today=job.today, keep_image=False)
            except Exception as exc:  # a bug must not cost the batch: the page goes to a person
                traceback.print_exc()
                reason = f"読み取り中に内部エラー ({type(exc).__name__}): このページは人が入力してください"
                r = PageResult(name, {fid: FieldResult("", 0.0, "review", reason, t)
                                      for fid, t in template.types().items()}, reason)
            out.append(r.to_json())
    except PipelineError as exc:
        out.append({"page": Path(path).name, "fields": {}, "error": str(exc)})
    except Exception as exc:  # a file the decoders choke on must not cost the batch either
        out.append({"page": Path(path).name, "fields": {},
                    "error": f"{Path(path).name}: 読み取れません ({type(exc).__name__}: {exc})"})
    return out


def read_paths(paths: Sequence[str | Path], *, engine: str = "rapidocr", workers: int | None = None,
               facility_codes: Collection[str] | None = None, today: dt.date | None = None,
               template_path: str | None = None,
               progress: Callable[[int, int], None] | None = None) -> Iterator[dict]:
    """Result lines (as dicts) for every page of ``paths``, in input order; files in parallel."""
    files = input_files(paths)
    job = _Job(engine, tuple(facility_codes) if facility_codes is not None else None, today, template_path)
    workers = workers if workers is not None else max(1, min(len(files), os.cpu_count() or 1))
    done = 0
    if workers <= 1 or len(files) <= 1:
        for f in files:
            yield from _read_file((job, str(f)))
            done += 1
            if progress:
                progress(done, len(files))
        return
    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_worker_init) as pool:
        for lines in pool.map(_read_file, [(job, str(f)) for f in files], chunksize=1):
            yield from lines
            done += 1
            if progress:
                progress(done, len(files))


def write_results(lines: Iterable[dict], out: Path, started: float) -> tuple[int, float]:
    """Write the JSON lines (atomically) and ``<out>.meta.json`` with the timing the score reads."""
    pages = 0

    def writer(fh: BinaryIO) -> None:
        nonlocal pages
        for line in lines:
            fh.write((json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))
            pages += 1

    write_atomic(out, writer)
    seconds = time.perf_counter() - started
    meta = json.dumps({"pages": pages, "seconds": round(seconds, 3)}) + "\n"
    write_bytes_atomic(out.with_name(out.name + ".meta.json"), meta.encode("utf-8"))
    return pages, seconds
