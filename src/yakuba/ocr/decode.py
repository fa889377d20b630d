"""Constrained decoding of the PP-OCR recogniser that ships inside the rapidocr wheel.

Why not call ``RapidOCR()`` directly: it decodes over all 18,708 characters of its dictionary, so a
handwritten 7 in a digit box may come back as ソ, a フリガナ as a mix of kana and kanji, an address
with Latin noise. Here the recogniser ONNX model is run with ``onnxruntime`` ourselves (the same
preprocessing as rapidocr 3.10: BGR, resize to height 48 keeping the aspect ratio, ``x/255``,
``(x-0.5)/0.5``, zero padding on the right to the batch's widest ratio, never narrower than 320/48),
which gives per-timestep probabilities ``(T, 18710)`` (index 0 is the CTC blank, the last is a
space). Decoding then happens over a **mask of allowed labels per field type**:

- ``digits`` — 0–9 (ASCII and full-width variants are summed into one label);
- ``katakana`` — full-width katakana, ー and space (half-width katakana summed into their
  full-width label);
- ``kanji`` — Japanese text: kanji encodable in JIS X 0213 (no simplified-Chinese-only forms),
  hiragana, katakana, 々〆〇ヶ, digits, ー－-・ and space; no Latin letters.

Greedy CTC over the mask: at each timestep the best allowed label (or the blank); repeated labels
collapse. Confidence of a character is the highest raw (not renormalised) probability it reached in
its run of timesteps, so a character the model preferred to read as something outside the mask
gets a low confidence rather than a confident wrong answer. The confidence of a field is the
minimum over its characters (an empty reading is as confident as its weakest blank timestep).

Cells (one character per printed cell) are read in two ways, and :class:`DigitReader` keeps the
one measured better (``bench/ocr_recogniser.py``): every cell crop recognised alone in one batched
ONNX call, its digit chosen as the label with the highest probability over its timesteps; empty
cells are found first by ink ratio and never reach the model.
"""

from __future__ import annotations

import math
import os
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Collection, Sequence

import cv2
import numpy as np

from yakuba.ocr.canonical import LARGE_KANA
from yakuba.site.config import env_int

REC_HEIGHT = 48
REC_MIN_RATIO = 320 / 48
MODEL_NAME = "PP-OCRv6_rec_small.onnx"

FIELD_MASKS = ("digits", "katakana", "kanji")

# Field types of the template → which mask their characters are decoded with.
MASK_OF_TYPE = {
    "kanji": "kanji",
    "katakana": "katakana",
    "digits": "digits",
    "code": "digits",
    "postal": "digits",
    "phone": "digits",
    "date": "digits",
    "month": "digits",
}


def model_path() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models" / MODEL_NAME


# --------------------------------------------------------------------------- the model


class Recogniser:
    """The PP-OCR recogniser run with onnxruntime: images in, per-timestep probabilities out.

    ``threads`` is onnxruntime's intra-op thread count (1 by default: pages are read in parallel
    processes, one core each).
    """

    def __init__(self, path: str | os.PathLike | None = None, threads: int = 1):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(path or model_path()), options, providers=["CPUExecutionProvider"]
        )
        meta = self.session.get_modelmeta().custom_metadata_map
        # rapidocr's CTCLabelDecode: blank first, the dictionary, then a space.
        self.labels: list[str] = ["<blank>"] + meta["character"].splitlines() + [" "]
        self.input_name = self.session.get_inputs()[0].name
        self._lock = threading.Lock()

    @staticmethod
    def to_bgr(img: np.ndarray) -> np.ndarray:
        if img.ndim == 2:
            return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        if img.shape[2] == 4:
            return cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
        return img

    @staticmethod
    def normalise(img: np.ndarray, width: int) -> np.ndarray:
        """rapidocr's ``resize_norm_img``: height 48, aspect kept, zero (mid-grey) padding."""
        h, w = img.shape[:2]
        resized_w = min(width, int(math.ceil(REC_HEIGHT * w / float(max(h, 1)))))
        resized_w = max(resized_w, 1)
        resized = cv2.resize(img, (resized_w, REC_HEIGHT)).astype(np.float32)
        resized = resized.transpose((2, 0, 1)) / 255.0
        resized = (resized - 0.5) / 0.5
        out = np.zeros((3, REC_HEIGHT, width), dtype=np.float32)
        out[:, :, :resized_w] = resized
        return out

    def probabilities(
        self, images: Sequence[np.ndarray], *, min_ratio: float = REC_MIN_RATIO
    ) -> list[np.ndarray]:
        """One ONNX call for all ``images``; returns each image's ``(T_i, C)`` probabilities.

        Timesteps that fall entirely in an image's padding are dropped (one timestep is 8 px of
        the 48-px-high input).
        """
        if not images:
            return []
        imgs = [self.to_bgr(np.asarray(i)) for i in images]
        ratios = [i.shape[1] / float(max(i.shape[0], 1)) for i in imgs]
        ratio = max([min_ratio, *ratios])
        width = int(REC_HEIGHT * ratio)
        width = max(8, int(math.ceil(width / 8)) * 8)
        batch = np.stack([self.normalise(i, width) for i in imgs])
        with self._lock:
            out = self.session.run(None, {self.input_name: batch})[0]
        steps = out.shape[1]
        result = []
        for k, r in enumerate(ratios):
            used = min(width, int(math.ceil(REC_HEIGHT * r)))
            t = min(steps, max(1, int(math.ceil(used / width * steps)) + 1))
            result.append(out[k, :t])
        return result


@lru_cache(maxsize=1)
def default_recogniser() -> Recogniser:
    return Recogniser(threads=env_int("YAKUBA_OCR_THREADS", 1))


# --------------------------------------------------------------------------- masks


@dataclass(frozen=True)
class Mask:
    """Allowed output labels: ``groups[k]`` are the dictionary indices summed into ``names[k]``."""

    name: str
    names: tuple[str, ...]
    groups: tuple[np.ndarray, ...]
    order: np.ndarray  # blank (0), then every group's indices, concatenated
    starts: np.ndarray  # where each column's indices start in ``order``

    def project(self, probs: np.ndarray) -> np.ndarray:
        """``(T, C)`` probabilities → ``(T, K+1)``: blank, then each allowed label (summed)."""
        return np.add.reduceat(probs[:, self.order], self.starts, axis=1)


def _is_jis_kanji(ch: str) -> bool:
    try:
        ch.encode("euc_jis_2004")
        return True
    except UnicodeEncodeError:
        return False


#: 旧字体 → 新字体 folded together when reading kanji: in handwriting the two are rarely told apart
#: reliably, and a wrong old form accepted silently is worse than a new form the 責任者 corrects
#: (the verification screen shows the crop beside the value).
KYUJI = str.maketrans({
    "惠": "恵", "綠": "緑", "髙": "高", "﨑": "崎", "邊": "辺", "邉": "辺", "澤": "沢", "濱": "浜",
    "齋": "斎", "齊": "斉", "廣": "広", "國": "国", "櫻": "桜", "眞": "真", "德": "徳", "黑": "黒",
    "龍": "竜", "壽": "寿", "榮": "栄", "實": "実", "與": "与", "禮": "礼", "豐": "豊", "彌": "弥",
    "藏": "蔵", "條": "条", "凜": "凛", "淺": "浅", "關": "関", "靜": "静", "驛": "駅", "縣": "県", "區": "区",
})


def _allowed(mask: str, label: str) -> str | None:
    """The canonical label a dictionary entry counts as under ``mask``, or None."""
    if label == " ":
        return " " if mask in ("katakana", "kanji") else None
    if len(label) != 1:
        return None
    n = unicodedata.normalize("NFKC", label)
    if len(n) != 1:
        return None
    o = ord(n)
    if mask == "digits":
        return n if n.isascii() and n.isdigit() else None
    is_kata = (0x30A1 <= o <= 0x30F6) or n == "ー"
    if mask == "katakana":
        return n if is_kata else None
    if mask == "kanji":
        if is_kata or 0x3041 <= o <= 0x3096 or n in "々〆〇ヶ・-－‐":
            return "-" if n in "-－‐" else n
        if n.isascii() and n.isdigit():
            return n
        if (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF) and _is_jis_kanji(n):
            return n.translate(KYUJI)
        return None
    raise ValueError(f"unknown mask {mask!r}")


_mask_cache: dict[tuple[int, str], Mask] = {}


def get_mask(recogniser: Recogniser, mask: str) -> Mask:
    key = (id(recogniser), mask)
    if key not in _mask_cache:
        by_name: dict[str, list[int]] = {}
        for idx, label in enumerate(recogniser.labels):
            if idx == 0:
                continue
            name = _allowed(mask, label)
            if name is not None:
                by_name.setdefault(name, []).append(idx)
        names = tuple(sorted(by_name))
        groups = tuple(np.array(by_name[n]) for n in names)
        order = np.concatenate([np.array([0]), *groups]) if groups else np.array([0])
        starts = np.cumsum([0, 1, *[len(g) for g in groups]])[:-1]
        _mask_cache[key] = Mask(mask, names, groups, order, starts)
    return _mask_cache[key]


# --------------------------------------------------------------------------- CTC


@dataclass(frozen=True)
class Decoded:
    text: str
    confidence: float
    char_confidences: tuple[float, ...]
    positions: tuple[int, ...]  # timestep where each character peaked


def ctc_greedy(projected: np.ndarray, names: Sequence[str]) -> Decoded:
    """Greedy CTC over ``(T, K+1)`` projected probabilities (column 0 = blank)."""
    if projected.shape[0] == 0:
        return Decoded("", 0.0, (), ())
    best = projected.argmax(axis=1)
    chars: list[str] = []
    confs: list[float] = []
    pos: list[int] = []
    prev = 0
    blank_min = 1.0
    for t, k in enumerate(best):
        p = float(projected[t, k])
        if k == 0:
            blank_min = min(blank_min, p)
        elif k != prev:
            chars.append(names[k - 1])
            confs.append(p)
            pos.append(t)
        elif p > confs[-1]:
            confs[-1] = p
            pos[-1] = t
        prev = k
    text = "".join(chars)
    # spaces at the ends carry nothing; inner runs of spaces collapse
    text_out = " ".join(text.split())
    keep = [c for ch, c in zip(chars, confs) if ch != " "] or list(confs)
    conf = min(keep) if keep else blank_min
    return Decoded(text_out, float(conf), tuple(confs), tuple(pos))


# --------------------------------------------------------------------------- readers


def ink_mask(img: np.ndarray, margin: float = 0.12) -> tuple[np.ndarray, np.ndarray]:
    """Grey image of the crop with ``margin`` of each side cut off (cell borders), and its ink.

    Ink: pixels clearly darker than the paper (the 90th percentile) — a fixed contrast, not Otsu,
    so an empty cell with only noise stays empty.
    """
    g = img if img.ndim == 2 else cv2.cvtColor(Recogniser.to_bgr(img), cv2.COLOR_BGR2GRAY)
    h, w = g.shape[:2]
    my, mx = int(round(h * margin)), int(round(w * margin))
    inner = g[my : h - my or h, mx : w - mx or w]
    paper = float(np.percentile(inner, 90)) if inner.size else 255.0
    ink = inner < paper - 80
    return inner, ink


def ink_ratio(img: np.ndarray, margin: float = 0.12) -> float:
    _, ink = ink_mask(img, margin)
    return float(ink.mean()) if ink.size else 0.0


def _tight(img: np.ndarray, margin: float = 0.12, pad: float = 0.25) -> np.ndarray:
    """The cell's inner part cropped to its ink, with white padding, as a square-ish BGR image."""
    inner, ink = ink_mask(img, margin)
    ys, xs = np.nonzero(ink)
    if len(ys) == 0:
        return Recogniser.to_bgr(inner)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    glyph = inner[y0:y1, x0:x1]
    h, w = glyph.shape
    side = max(h, int(w * 1.0))
    p = int(round(side * pad))
    canvas = np.full((h + 2 * p, max(w, side) + 2 * p), 255, dtype=np.uint8)
    ox = (canvas.shape[1] - w) // 2
    canvas[p : p + h, ox : ox + w] = glyph
    return Recogniser.to_bgr(canvas)


def trim_to_ink(img: np.ndarray, margin: float = 0.08, pad: float = 0.15) -> np.ndarray:
    """Crop a text box to its ink (box borders cut off by ``margin`` of the height on each side),
    with white padding of ``pad`` × the ink height. Less padding to push through the model (speed)
    and bigger glyphs in its 48-px input (accuracy)."""
    g = img if img.ndim == 2 else cv2.cvtColor(Recogniser.to_bgr(img), cv2.COLOR_BGR2GRAY)
    h, w = g.shape[:2]
    m = int(round(h * margin))
    inner = g[m : h - m or h, m : w - m or w]
    if inner.size == 0:
        return g
    paper = float(np.percentile(inner, 90))
    ink = inner < paper - 80
    ys, xs = np.nonzero(ink)
    if len(ys) < 4:
        return inner
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    p = int(round((y1 - y0) * pad)) + 2
    out = np.full((y1 - y0 + 2 * p, x1 - x0 + 2 * p), 255, dtype=np.uint8)
    out[p : p + y1 - y0, p : p + x1 - x0] = inner[y0:y1, x0:x1]
    return out


_SMALL_AFTER = {
    # small kana → the kana it may follow (else it was a large one)
    **{c: set("キギシジチヂニヒビピミリ") for c in "ャュョ"},
    "ァ": set("ファヴ"), "ィ": set("ティディフウヴクグスズツ"), "ゥ": set("トドフ"),
    "ェ": set("シジチヂツフウヴイキギニヒビピミリ"), "ォ": set("ツフウヴ"),
}


def fix_katakana(text: str) -> str:
    """Kana grammar the model does not know: a small kana where Japanese cannot have one becomes
    large (ュミ → ユミ, マッイ → マツイ), and a ー cannot start a word."""
    out: list[str] = []
    for i, c in enumerate(text):
        prev = out[-1] if out else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if c in _SMALL_AFTER and prev not in _SMALL_AFTER[c]:
            c = c.translate(LARGE_KANA)
        elif c == "ッ" and (prev == " " or nxt in " アイウエオンーッ"):
            c = "ツ"
        elif c == "ー" and prev == " ":
            continue
        out.append(c)
    return "".join(out)


def _insert_spaces(d: Decoded, img: np.ndarray, gap: float) -> Decoded:
    """The model almost never emits a space; put one (at most) where the ink leaves a gap between
    two decoded characters wider than ``gap`` × the text height and twice the typical gap."""
    if len(d.positions) < 2 or " " in d.text:
        return d
    g = img if img.ndim == 2 else cv2.cvtColor(Recogniser.to_bgr(img), cv2.COLOR_BGR2GRAY)
    paper = float(np.percentile(g, 90))
    ink = g < paper - 80
    rows = np.nonzero(ink.any(axis=1))[0]
    if len(rows) == 0:
        return d
    height = rows[-1] - rows[0] + 1
    cols = ink.any(axis=0)
    scale = g.shape[0] / REC_HEIGHT  # input px per model px
    xs = [(t + 0.5) * 8 * scale for t in d.positions]
    chars = list(d.text.replace(" ", ""))
    if len(chars) != len(xs):
        return d
    # a ー read where the columns hold no ink is the gap between names
    half = 4 * scale
    for i, ch in enumerate(chars):
        if ch == "ー" and 0 < i < len(chars) - 1:
            a, b = max(0, int(xs[i] - half)), int(xs[i] + half) + 1
            if not cols[a:b].any():
                rest = "".join(chars[:i]) + " " + "".join(chars[i + 1 :])
                return Decoded(rest, d.confidence, d.char_confidences, d.positions)
    gaps = []
    for i in range(1, len(chars)):
        seg = cols[int(xs[i - 1]) : int(xs[i])]
        run = best = 0
        for v in seg:
            run = 0 if v else run + 1
            best = max(best, run)
        gaps.append(best)
    # at most one space (family name / given name), at a gap clearly wider than the others
    k = int(np.argmax(gaps))
    others = gaps[:k] + gaps[k + 1 :]
    typical = float(np.median(others)) if others else 0.0
    out = list(chars)
    if gaps[k] >= gap * height and gaps[k] >= 2.0 * typical + 2:
        out.insert(k + 1, " ")
    return Decoded("".join(out), d.confidence, d.char_confidences, d.positions)


class TextReader:
    """Reads one box of free text with the mask of its field type (``kanji`` or ``katakana``).

    The crop is trimmed to its ink first; spaces are put back where the ink has a gap wider than
    ``space_gap`` × the text height.
    """

    def __init__(self, recogniser: Recogniser | None = None, *, space_gap: float = 0.5,
                 trim: bool | Collection[str] = ("kanji",)):
        self.recogniser = recogniser or default_recogniser()
        self.space_gap = space_gap
        self.trim = trim

    def read(self, crop: np.ndarray, mask: str = "kanji") -> Decoded:
        return self.read_many([crop], mask)[0]

    def read_many(self, crops: Sequence[np.ndarray], mask: str = "kanji") -> list[Decoded]:
        m = get_mask(self.recogniser, mask)
        trim = self.trim if isinstance(self.trim, bool) else mask in self.trim
        imgs = [trim_to_ink(c) if trim else c for c in crops]
        probs = self.recogniser.probabilities(imgs, min_ratio=1.0 if trim else REC_MIN_RATIO)
        out = []
        for img, p in zip(imgs, probs):
            d = ctc_greedy(m.project(p), m.names)
            if " " in m.names and self.space_gap:
                d = _insert_spaces(d, img, self.space_gap)
            if mask == "katakana":
                d = Decoded(fix_katakana(d.text), d.confidence, d.char_confidences, d.positions)
            out.append(d)
        return out


@dataclass(frozen=True)
class CellReading:
    text: str  # one character or "" (blank cell)
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = ()


class DigitReader:
    """Reads cells that hold one digit each (or nothing).

    Blank cells are found by ink ratio (below ``blank_ink`` → empty, confidence from how far below;
    an ambiguous band between ``blank_ink`` and ``ink_sure`` lowers the confidence). Non-empty cells
    are cropped to their ink, padded, and recognised alone in one batched ONNX call (``mode="cell"``);
    the digit is the label with the highest probability at any timestep, its confidence that
    probability. ``mode="row"`` instead reads the row of tight cells side by side and assigns each
    decoded digit to the cell its timestep falls in (kept for the benchmark: it measured worse).
    """

    def __init__(
        self,
        recogniser: Recogniser | None = None,
        *,
        blank_ink: float = 0.004,
        ink_sure: float = 0.012,
        mode: str = "cell",
        cell_ratio: float = 1.0,
    ):
        self.recogniser = recogniser or default_recogniser()
        self.blank_ink = blank_ink
        self.ink_sure = ink_sure
        self.mode = mode
        self.cell_ratio = cell_ratio

    def _blank_conf(self, r: float) -> float:
        if r <= self.blank_ink / 2:
            return 1.0
        # linearly down to 0.5 at blank_ink
        return max(0.5, 1.0 - 0.5 * (r - self.blank_ink / 2) / (self.blank_ink / 2))

    def read(self, crops: Sequence[np.ndarray], mask: str = "digits") -> list[CellReading]:
        m = get_mask(self.recogniser, mask)
        ratios = [ink_ratio(c) for c in crops]
        out: list[CellReading | None] = [None] * len(crops)
        todo = []
        for i, r in enumerate(ratios):
            if r < self.blank_ink:
                out[i] = CellReading("", self._blank_conf(r))
            else:
                todo.append(i)
        if todo:
            tights = [_tight(crops[i]) for i in todo]
            if self.mode == "row":
                got = self._read_row(tights, m)
            else:
                got = self._read_cells(tights, m)
            for i, cr in zip(todo, got):
                r = ratios[i]
                if r < self.ink_sure:  # faint: could be a smudge on an empty cell
                    cr = CellReading(cr.text, min(cr.confidence, 0.5), cr.alternatives)
                out[i] = cr
        return [c for c in out if c is not None]

    def _read_cells(self, tights: list[np.ndarray], m: Mask) -> list[CellReading]:
        probs = self.recogniser.probabilities(tights, min_ratio=self.cell_ratio)
        res = []
        for p in probs:
            proj = m.project(p)[:, 1:]  # drop the blank
            best = proj.max(axis=0)
            order = np.argsort(-best)
            k = int(order[0])
            alts = tuple((m.names[int(j)], float(best[int(j)])) for j in order[1:3])
            res.append(CellReading(m.names[k], float(best[k]), alts))
        return res

    def _read_row(self, tights: list[np.ndarray], m: Mask) -> list[CellReading]:
        h = 48
        parts, bounds, x = [], [], 0
        for t in tights:
            w = max(1, int(round(t.shape[1] * h / t.shape[0])))
            parts.append(cv2.resize(t, (w, h)))
            bounds.append((x, x + w))
            x += w
        row = np.concatenate(parts, axis=1)
        p = self.recogniser.probabilities([row], min_ratio=1.0)[0]
        proj = m.project(p)
        steps_px = 8.0 * (REC_HEIGHT / h)
        res = []
        for x0, x1 in bounds:
            t0, t1 = int(x0 / steps_px), max(int(x0 / steps_px) + 1, int(math.ceil(x1 / steps_px)))
            seg = proj[t0:t1, 1:]
            if seg.size == 0:
                res.append(CellReading("", 0.0))
                continue
            best = seg.max(axis=0)
            k = int(best.argmax())
            res.append(CellReading(m.names[k], float(best[k])))
        return res
