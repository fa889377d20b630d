"""OCR engines behind one small interface, found by name.

An engine reads field crops (numpy images, grey or BGR, as the alignment cut them out):

- ``read_text(crop, field_type)`` — one box of free text (``kanji``, ``katakana``);
- ``read_cells(crops, field_type)`` — one character per printed cell (``digits``, ``code``,
  ``postal``, ``phone``, ``date``, ``month``): an empty cell gives no character, and the field's
  confidence is its weakest cell's.

Both return a :class:`Reading` (text, confidence 0–1, alternatives). Engines:

- ``rapidocr`` (:class:`RapidOcrEngine`, the default): the PP-OCR recogniser from the rapidocr wheel,
  run by :mod:`yakuba.ocr.decode` with a mask of allowed characters per field type;
- ``null`` (:class:`NullEngine`): for tests, answers from a mapping.

**Plugging in another engine** (e.g. a cloud AI-OCR service): write a class with ``name``,
``read_text`` and ``read_cells`` as in :class:`Engine` (it may send the crops anywhere it is allowed
to — note that names and addresses are personal data, so a cloud engine needs the city's contract and
the privacy core's approval), then either call ``register_engine("cloud", factory)`` at import time
of your module, or declare an entry point in the group ``yakuba.ocr_engines``
(``cloud = "mypkg.ocr:CloudEngine"``); ``get_engine("cloud", **options)`` finds both. Return the
service's confidence scaled to 0–1; the thresholds in ``policy.toml`` are per engine-independent field
type, so calibrate a new engine against ``yakuba intake score`` before trusting them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Callable, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

from . import decode
from .align import CHECKBOX_HIGH, CHECKBOX_LOW, tick_ratio
from .align import read_checkbox as by_ink
from .decode import MASK_OF_TYPE

TEXT_TYPES = ("kanji", "katakana")
CELL_TYPES = ("digits", "code", "postal", "phone", "date", "month")


@dataclass(frozen=True)
class Reading:
    text: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = ()


@runtime_checkable
class Engine(Protocol):
    name: str

    def read_text(self, crop: np.ndarray, field_type: str) -> Reading: ...

    def read_cells(self, crops: Sequence[np.ndarray], field_type: str) -> Reading: ...


def combine_cells(cells: Sequence[Reading]) -> Reading:
    """Cells → one field reading: characters joined (blank cells give none), weakest confidence.

    Alternatives: the field with the weakest non-blank cell replaced by its runner-up.
    """
    if not cells:
        return Reading("", 0.0)
    text = "".join(c.text for c in cells)
    conf = min(c.confidence for c in cells)
    alts: tuple[tuple[str, float], ...] = ()
    weakest = min(range(len(cells)), key=lambda i: cells[i].confidence)
    if cells[weakest].alternatives:
        alt, p = cells[weakest].alternatives[0]
        alt_text = "".join(alt if i == weakest else c.text for i, c in enumerate(cells))
        alts = ((alt_text, float(p)),)
    return Reading(text, float(conf), alts)


# --------------------------------------------------------------------------- checkboxes


def read_checkbox(crop: np.ndarray) -> Reading:
    """A tick box by the ink a tick leaves in its middle (:func:`yakuba.ocr.align.read_checkbox`);
    in the ambiguous band the likelier value, with a confidence of at most 0.5."""
    value, conf = by_ink(crop)
    if value is None:
        value = "1" if tick_ratio(crop) >= (CHECKBOX_LOW + CHECKBOX_HIGH) / 2 else "0"
    return Reading(value, float(conf), (("0" if value == "1" else "1", 0.0),))


# --------------------------------------------------------------------------- engines


class NullEngine:
    """For tests: ``answers`` maps a key to a reading; anything else reads as "" at confidence 0.

    The key is whatever ``key(crop, field_type)`` returns — by default the field type, or set
    ``key`` to e.g. look up a marker the test put into the crop. Values may be a :class:`Reading`,
    a ``(text, confidence)`` pair, or a bare text (confidence 1).
    """

    name = "null"

    def __init__(
        self,
        answers: Mapping[object, object] | None = None,
        key: Callable[[object, str], object] | None = None,
    ):
        self.answers = dict(answers or {})
        self.key = key or (lambda crop, field_type: field_type)
        self.calls: list[tuple[str, str]] = []

    def _answer(self, crop: object, field_type: str) -> Reading:
        v = self.answers.get(self.key(crop, field_type))
        if v is None:
            return Reading("", 0.0)
        if isinstance(v, Reading):
            return v
        if isinstance(v, tuple):
            return Reading(str(v[0]), float(v[1]))
        return Reading(str(v), 1.0)

    def read_text(self, crop: np.ndarray, field_type: str) -> Reading:
        self.calls.append(("text", field_type))
        return self._answer(crop, field_type)

    def read_cells(self, crops: Sequence[np.ndarray], field_type: str) -> Reading:
        self.calls.append(("cells", field_type))
        return self._answer(crops, field_type)


class RapidOcrEngine:
    """The rapidocr wheel's PP-OCR recogniser with constrained decoding (:mod:`.decode`)."""

    name = "rapidocr"

    def __init__(self, threads: int | None = None, model: str | None = None, **reader_options):
        if threads is None and model is None:
            rec = decode.default_recogniser()
        else:
            rec = decode.Recogniser(model, threads=threads or 1)
        self.recogniser = rec
        self.text_reader = decode.TextReader(rec, **reader_options)
        self.digit_reader = decode.DigitReader(rec)

    def read_text(self, crop: np.ndarray, field_type: str) -> Reading:
        if field_type == "checkbox":
            return read_checkbox(crop)
        mask = MASK_OF_TYPE.get(field_type, "kanji")
        d = self.text_reader.read(crop, mask)
        return Reading(d.text, d.confidence)

    def read_cells(self, crops: Sequence[np.ndarray], field_type: str) -> Reading:
        mask = MASK_OF_TYPE.get(field_type, "digits")
        cells = self.digit_reader.read(list(crops), mask)
        return combine_cells([Reading(c.text, c.confidence, c.alternatives) for c in cells])


# --------------------------------------------------------------------------- registry

_REGISTRY: dict[str, Callable[..., Engine]] = {
    "rapidocr": RapidOcrEngine,
    "null": NullEngine,
}
DEFAULT_ENGINE = "rapidocr"


def register_engine(name: str, factory: Callable[..., Engine]) -> None:
    _REGISTRY[name] = factory


def engine_names() -> list[str]:
    names = set(_REGISTRY)
    try:
        names.update(ep.name for ep in entry_points(group="yakuba.ocr_engines"))
    except Exception:  # pragma: no cover - broken metadata must not break the default engine
        pass
    return sorted(names)


def get_engine(name: str = DEFAULT_ENGINE, **options) -> Engine:
    """The engine registered (or declared as an entry point) under ``name``."""
    if name not in _REGISTRY:
        for ep in entry_points(group="yakuba.ocr_engines"):
            if ep.name == name:
                _REGISTRY[name] = ep.load()
                break
        else:
            raise KeyError(f"unknown OCR engine {name!r}; known: {', '.join(engine_names())}")
    return _REGISTRY[name](**options)
