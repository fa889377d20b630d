"""Put a scanned page onto the template's pixel frame, then cut out boxes and read checkboxes.

:func:`align` finds the four solid fiducial squares near the corners (connected components of the
right size and squareness, one per corner), maps them onto the template's with a homography and
warps the page. With three (one corner cut off or covered) it uses the affine map they fix; with
fewer it falls back to ORB features matched against the blank form and a RANSAC homography,
sharpened by ECC against the blank form. Either way the result is checked before it is trusted:

- the fiducials must fit an affine map to within :data:`MAX_ERROR_MM` (reported as ``error_mm``);
- the page may not be rotated more than :data:`MAX_ANGLE` degrees, sheared or squashed;
- the form's printed lines and labels must be found where the template has them (``match``,
  the fraction of the blank form's printed pixels that are dark on the warped page); a page
  upside down is tried the other way round once.

A page that fails is refused with :class:`AlignmentError` and a reason — never a guess.

The warped page is normalised: the fiducials' black → 0, the paper → 255, so a fixed threshold
(:data:`INK`) tells ink from paper on faint and dark scans alike. Pure: no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from yakuba.errors import YakubaError
from yakuba.ocr.render import blank_array, box_px, page_size, px
from yakuba.ocr.template import Box, Field, Template

INK = 128  # on a normalised page, darker than this is ink
PRINT = 200  # printed frames are thin and grey: after a blurry scan, darker than this
MAX_BACKGROUND = 0.3  # at most this much of the form's empty paper may look printed on
MAX_ERROR_MM = 1.5
MAX_ANGLE = 10.0
MIN_MATCH = 0.6
#: Four fiducials that fit the form within this (mm) are evidence enough that it is the form: the
#: printed lines may then be mostly washed out (a faint scan thresholded to black and white), and
#: FAINT_MATCH of them found is enough.
EXACT_FIT_MM, FAINT_MATCH = 0.3, 0.3
CHECKBOX_LOW, CHECKBOX_HIGH = 0.03, 0.07  # ink ratio inside the frame: below → "0", above → "1"


class AlignmentError(YakubaError, ValueError):
    """A page that cannot be put onto the template; ``reason`` says why."""

    exit_code = 1

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Aligned:
    image: np.ndarray  # the page on the template's frame (uint8, normalised)
    template: Template
    dpi: int
    homography: np.ndarray  # 3×3: scan pixel → template pixel
    error_mm: float  # fiducials' deviation from an affine fit (RMS, mm); 0 for feature alignment
    match: float  # fraction of the printed form found where the template has it
    method: str  # "fiducials", "fiducials-3" (one corner missing: affine, error_mm 0) or "features"
    angle: float  # rotation of the scan, degrees
    flipped: bool = False  # the page was upside down


# --- fiducials ----------------------------------------------------------------------------------

def _gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        image = cv2.cvtColor(image, code)
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    return image


def _levels(gray: np.ndarray) -> tuple[float, float]:
    sample = gray[::4, ::4]
    return float(np.percentile(sample, 0.2)), float(np.percentile(sample, 70))


def find_fiducials(gray: np.ndarray, template: Template) -> np.ndarray | None:
    """Centres (4×2, template order) of the fiducial squares on a page, or None."""
    found = _fiducials(gray, template)
    return None if any(f is None for f in found) else np.array(found, dtype=np.float64)


def _fiducials(gray: np.ndarray, template: Template) -> list[np.ndarray | None]:
    """Centre of each fiducial square on the page (template order), None where not found."""
    H, W = gray.shape
    dark, paper = _levels(gray)
    if paper - dark < 40:
        return [None] * len(template.fiducials)
    binary = (gray < (dark + paper) / 2).astype(np.uint8)
    n, _, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    ppmm = W / template.width_mm  # the page fills the scan (give or take a few per cent)
    found = []
    for fid in template.fiducials:
        side = math.sqrt(fid.w * fid.h) * ppmm
        ex, ey = fid.center[0] * ppmm, fid.center[1] * H / template.height_mm
        best, best_d = None, 0.12 * W
        for i in range(1, n):
            x, y, w, h, area = stats[i]
            if not (0.6 * side <= w <= 1.5 * side and 0.6 * side <= h <= 1.5 * side):
                continue
            if not (0.45 * side * side <= area and area / (w * h) >= 0.75 and 0.8 <= w / h <= 1.25):
                continue
            d = math.hypot(centroids[i][0] - ex, centroids[i][1] - ey)
            if d < best_d:
                best, best_d = i, d
        found.append(None if best is None else centroids[best])
    return found


def _targets(template: Template, dpi: int) -> np.ndarray:
    return np.array([[px(f.center[0], dpi), px(f.center[1], dpi)] for f in template.fiducials], dtype=np.float64)


def _affine_error(src: np.ndarray, dst: np.ndarray) -> tuple[float, np.ndarray]:
    """RMS residual (in dst units) of the least-squares affine map src → dst, and the map."""
    A = np.hstack([src, np.ones((len(src), 1))])
    M, *_ = np.linalg.lstsq(A, dst, rcond=None)
    residual = A @ M - dst
    return float(np.sqrt((residual ** 2).sum(axis=1).mean())), M.T


def _geometry(H: np.ndarray, dpi: int, template: Template) -> tuple[float, str | None]:
    """Rotation (degrees) of the map, and a reason to refuse it (too skewed), if any."""
    W, Hh = page_size(template, dpi)
    # map the page's axes at its centre through the inverse (template → scan)
    inv = np.linalg.inv(H)
    pts = np.array([[[W / 2, Hh / 2]], [[W / 2 + 100, Hh / 2]], [[W / 2, Hh / 2 + 100]]], dtype=np.float64)
    o, ex, ey = cv2.perspectiveTransform(pts, inv).reshape(3, 2)
    vx, vy = ex - o, ey - o
    angle = math.degrees(math.atan2(vx[1], vx[0]))
    sx, sy = np.linalg.norm(vx), np.linalg.norm(vy)
    shear = abs(90 - math.degrees(math.acos(np.clip(vx @ vy / (sx * sy), -1, 1))))
    tilt = (angle + 90) % 180 - 90  # upside down (about 180°) is fine: the page is turned over
    if abs(tilt) > MAX_ANGLE:
        return angle, f"傾きが大きすぎます (page rotated {angle:.1f}°, more than {MAX_ANGLE:g}°)"
    if shear > 3 or not 0.93 <= sx / sy <= 1.07:
        return angle, f"用紙が歪んでいます (page skewed: shear {shear:.1f}°, aspect {sx / sy:.3f})"
    return angle, None


@lru_cache(maxsize=8)
def _printed(template: Template, dpi: int) -> np.ndarray:
    """Pixels of the printed form (frames and labels, not the fiducials), as indices."""
    blank = blank_array(template, dpi) < 160
    for fid in template.fiducials:
        x0, y0, x1, y1 = box_px(fid, dpi)
        blank[max(0, y0 - 3):y1 + 3, max(0, x0 - 3):x1 + 3] = False
    return np.flatnonzero(blank)


def _normalise(warped: np.ndarray, template: Template, dpi: int) -> np.ndarray:
    blacks = []
    for fid in template.fiducials:
        x0, y0, x1, y1 = box_px(fid, dpi)
        m = max(1, (x1 - x0) // 4)
        blacks.append(np.median(warped[y0 + m:y1 - m, x0 + m:x1 - m]))
    black = float(np.median(blacks))
    paper = float(np.percentile(warped[::4, ::4], 70))
    if paper - black < 40:
        raise AlignmentError(f"コントラストが足りません (too faint: paper {paper:.0f}, black {black:.0f})")
    lut = np.clip((np.arange(256, dtype=np.float32) - black) * 255.0 / (paper - black), 0, 255).astype(np.uint8)
    return cv2.LUT(warped, lut)


@lru_cache(maxsize=8)
def _paper(template: Template, dpi: int) -> np.ndarray:
    """Pixels of the blank form well away from anything printed (every 7th), as indices."""
    printed = (blank_array(template, dpi) < 250).astype(np.uint8)
    near = cv2.dilate(printed, np.ones((15, 15), np.uint8))
    return np.flatnonzero(near == 0)[::7]


def _match(norm: np.ndarray, template: Template, dpi: int) -> tuple[float, float]:
    """(fraction of the printed form found dark, fraction of the empty paper found dark)."""
    dark = (norm < PRINT).astype(np.uint8)
    dilated = cv2.dilate(dark, np.ones((5, 5), np.uint8)).reshape(-1)
    idx = _printed(template, dpi)
    found = float(dilated[idx].mean()) if len(idx) else 0.0
    return found, float(dark.reshape(-1)[_paper(template, dpi)].mean())


def _warp(gray: np.ndarray, H: np.ndarray, template: Template, dpi: int) -> np.ndarray:
    return cv2.warpPerspective(gray, H, page_size(template, dpi), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def _accept(gray: np.ndarray, H: np.ndarray, template: Template, dpi: int,
            min_match: float = MIN_MATCH) -> tuple[np.ndarray, float, float, str | None]:
    angle, why = _geometry(H, dpi, template)
    if why:
        return np.empty(0), 0.0, angle, why
    warped = _warp(gray, H, template, dpi)
    try:
        norm = _normalise(warped, template, dpi)
    except AlignmentError as exc:
        return np.empty(0), 0.0, angle, exc.reason
    match, background = _match(norm, template, dpi)
    if background > MAX_BACKGROUND:
        return norm, match, angle, f"用紙ではありません (not a form: {background:.0%} of the empty paper is dark)"
    if match < min_match:
        return norm, match, angle, f"様式が一致しません (the printed form is not where the template has it: {match:.0%} found)"
    return norm, match, angle, None


# --- features (fallback) ------------------------------------------------------------------------

_FEATURE_DPI = 100


@lru_cache(maxsize=4)
def _blank_features(template: Template):  # type: ignore[no-untyped-def]
    orb = cv2.ORB_create(nfeatures=4000)
    return orb.detectAndCompute(blank_array(template, _FEATURE_DPI), None)


def _feature_homography(gray: np.ndarray, template: Template, dpi: int) -> np.ndarray | None:
    kp_t, des_t = _blank_features(template)
    if des_t is None:
        return None
    f = page_size(template, _FEATURE_DPI)[0] / gray.shape[1]
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    kp, des = cv2.ORB_create(nfeatures=4000).detectAndCompute(small, None)
    if des is None or len(kp) < 30:
        return None
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(des, des_t, k=2)
    good = [m for m, *rest in (p for p in pairs if p) if not rest or m.distance < 0.8 * rest[0].distance]
    if len(good) < 30:
        return None
    src = np.float32([kp[m.queryIdx].pt for m in good]) / f
    dst = np.float32([kp_t[m.trainIdx].pt for m in good]) * (dpi / _FEATURE_DPI)
    H, inliers = cv2.findHomography(src, dst, cv2.RANSAC, 3.0 * dpi / _FEATURE_DPI)
    if H is None or int(inliers.sum()) < 30:
        return None
    return H


def _refine(gray: np.ndarray, H: np.ndarray, template: Template, dpi: int) -> np.ndarray:
    """Sharpen a feature homography by ECC against the blank form at half resolution (about 0.5 s)."""
    f = 0.5
    S = np.diag([f, f, 1.0])
    warped = cv2.resize(_warp(gray, H, template, dpi), None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    blank = cv2.resize(blank_array(template, dpi), None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    try:
        _, warp = cv2.findTransformECC(blank.astype(np.float32), warped.astype(np.float32), np.eye(3, dtype=np.float32),
                                       cv2.MOTION_HOMOGRAPHY, (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 50, 1e-5),
                                       None, 5)
    except cv2.error:
        return H
    return np.linalg.inv(np.linalg.inv(S) @ warp.astype(np.float64) @ S) @ H


# --- the entry point ----------------------------------------------------------------------------

def align(image: np.ndarray, template: Template, dpi: int = 200) -> Aligned:
    """The page on the template's frame at ``dpi``; :class:`AlignmentError` if it cannot be trusted."""
    gray = _gray(np.asarray(image))
    if gray.ndim != 2 or min(gray.shape) < 200:
        raise AlignmentError("画像が小さすぎます (image too small to be a scanned page)")
    dark, paper = _levels(gray)
    if paper - dark < 40:
        raise AlignmentError("白紙か、何も写っていません (blank or empty page: no contrast)")
    dst = _targets(template, dpi)
    marks = _fiducials(gray, template)
    src = None if any(m is None for m in marks) else np.array(marks, dtype=np.float64)
    reasons: list[str] = []
    seen = [i for i, m in enumerate(marks) if m is not None]
    if len(seen) == 3:  # one corner cut off or covered: three marks fix an affine map exactly
        a = cv2.getAffineTransform(np.float32([marks[i] for i in seen]), np.float32(dst[seen]))
        H = np.vstack([a, [0, 0, 1]])
        norm, match, angle, why = _accept(gray, H, template, dpi)
        if why is None:
            return Aligned(norm, template, dpi, H, 0.0, match, "fiducials-3", angle, abs(angle) > 90)
        reasons.append(why)
    if src is not None:
        error_px, _ = _affine_error(src, dst)
        error_mm = error_px * 25.4 / dpi
        if error_mm > MAX_ERROR_MM:
            reasons.append(f"基準マークの位置が合いません (fiducials off by {error_mm:.1f} mm)")
        else:
            for flipped, order in ((False, [0, 1, 2, 3]), (True, [3, 2, 1, 0])):  # upside down: tried once
                H = cv2.getPerspectiveTransform(src[order].astype(np.float32), dst.astype(np.float32))
                norm, match, angle, why = _accept(gray, H, template, dpi,
                                                  FAINT_MATCH if error_mm <= EXACT_FIT_MM else MIN_MATCH)
                if why is None:
                    return Aligned(norm, template, dpi, H, error_mm, match, "fiducials", angle, flipped)
                reasons.append(why)
    else:
        reasons.append("基準マークが4つ見つかりません (four fiducial marks not found)")
    H = _feature_homography(gray, template, dpi)
    if H is not None:
        if _geometry(H, dpi, template)[1] is None:
            H = _refine(gray, H, template, dpi)
        norm, match, angle, why = _accept(gray, H, template, dpi)
        if why is None:
            return Aligned(norm, template, dpi, H, 0.0, match, "features", angle, abs(angle) > 90)
        reasons.append(why)
    else:
        reasons.append("特徴点でも様式と対応づけられません (no feature match with the form)")
    raise AlignmentError("; ".join(dict.fromkeys(reasons)))


# --- crops and checkboxes -----------------------------------------------------------------------

def crop(aligned: Aligned, box: Box, margin_mm: float = 0.0) -> np.ndarray:
    """The box on the aligned page (grayscale copy); a positive margin widens it, a negative one shrinks it."""
    x0, y0, x1, y1 = box_px(box.grown(margin_mm), aligned.dpi)
    H, W = aligned.image.shape
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(W, x1), min(H, y1)
    if x1 <= x0 or y1 <= y0:
        return np.full((1, 1), 255, np.uint8)
    return aligned.image[y0:y1, x0:x1].copy()


def crops(aligned: Aligned, field: Field, margin_mm: float = 0.0) -> list[np.ndarray]:
    """One crop per cell for cell fields; for a date or month, one per leaf box (era checkboxes,
    then the cells of year, month, day); otherwise one crop of the field's box."""
    if field.parts:
        return [c for part in field.parts for c in crops(aligned, part, margin_mm)]
    return [crop(aligned, b, margin_mm) for b in field.cell_boxes()]


def _frame_edges(dark: np.ndarray) -> tuple[int, int, int, int]:
    """Rows/columns (top, bottom, left, right) of a box's printed frame inside a crop."""
    h, w = dark.shape
    rows, cols = dark.mean(axis=1), dark.mean(axis=0)

    def edge(profile: np.ndarray, lo: int, hi: int, default: int) -> int:
        if hi <= lo:
            return default
        i = lo + int(np.argmax(profile[lo:hi]))
        return i if profile[i] >= 0.45 else default

    band_h, band_w = max(1, int(h * 0.35)), max(1, int(w * 0.35))
    top = edge(rows, 0, band_h, -1)
    bottom = edge(rows, h - band_h, h, h)
    left = edge(cols, 0, band_w, -1)
    right = edge(cols, w - band_w, w, w)
    return top, bottom, left, right


def interior(crop_: np.ndarray) -> np.ndarray:
    """The inside of a printed box: the frame lines found in the crop and a little more cut away."""
    top, bottom, left, right = _frame_edges(crop_ < PRINT)
    h, w = crop_.shape
    gy, gx = max(2, round(h * 0.08)), max(2, round(w * 0.08))
    inner = crop_[top + gy:bottom - gy + 1, left + gx:right - gx + 1]
    return inner if inner.size else crop_[h // 3:h - h // 3 + 1, w // 3:w - w // 3 + 1]


def ink_ratio(crop_: np.ndarray, frame: bool = True) -> float:
    """Fraction of ink pixels (darker than :data:`INK`), inside the printed frame unless ``frame=False``."""
    region = interior(crop_) if frame else crop_
    return float((region < INK).mean()) if region.size else 0.0


def tick_ratio(crop_: np.ndarray, frac: float = 0.8) -> float:
    """Ink in the middle ``frac`` of a tick box's inside: a tick (✓, ✗, a scribble) crosses it, the printed
    frame never does — however thick a fax-like scan makes the frame (measured: empty boxes at most
    0.005, ticked at least 0.17, on pages with degradations the reading was not tuned for)."""
    crop_ = interior(crop_)
    h, w = crop_.shape[:2]
    y0, y1 = int(h * (1 - frac) / 2), max(int(h * (1 + frac) / 2), int(h * (1 - frac) / 2) + 1)
    x0, x1 = int(w * (1 - frac) / 2), max(int(w * (1 + frac) / 2), int(w * (1 - frac) / 2) + 1)
    region = crop_[y0:y1, x0:x1]
    return float((region < INK).mean()) if region.size else 0.0


def read_checkbox(crop_: np.ndarray) -> tuple[str | None, float]:
    """("1" | "0" | None, confidence) from a checkbox crop; None in the ambiguous band."""
    r = tick_ratio(crop_)
    if r >= CHECKBOX_HIGH:
        return "1", min(1.0, 0.8 + (r - CHECKBOX_HIGH) * 2)
    if r <= CHECKBOX_LOW:
        return "0", min(1.0, 0.8 + (CHECKBOX_LOW - r) / CHECKBOX_LOW * 0.2)
    mid = (CHECKBOX_LOW + CHECKBOX_HIGH) / 2
    return None, 0.5 * abs(r - mid) / (mid - CHECKBOX_LOW)
