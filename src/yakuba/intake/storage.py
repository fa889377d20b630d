"""The batch's files in the vault, for the intake's actions: stored, read back, and the images in them.

Files stored inside a failing step are removed again (the step's rows roll back with it), so a
refused or crashed step leaves nothing half-written.
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from yakuba.intake.errors import ImageMissing, IntakeError
from yakuba.intake.models import Batch
from yakuba.vault import service as vault
from yakuba.vault.models import StoredObject

if TYPE_CHECKING:
    import numpy as np

PAGE_JPEG_QUALITY = 85

_UNSAFE = re.compile(r"[\x00-\x1f/\\]")


def safe_name(name: str, default: str = "file") -> str:
    """A single path component: no folders, no control characters, not hidden, at most 180 chars."""
    base = _UNSAFE.sub("_", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip().lstrip(".")
    if not base:
        return default
    if len(base) > 180:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[: 170] + dot + suffix[:9]) if dot and len(suffix) < 10 else base[:180]
    return base


@contextmanager
def files_removed_on_failure() -> Iterator[list[StoredObject]]:
    """Vault files written inside the block are unlinked again if the block fails (its rows roll back)."""
    stored: list[StoredObject] = []
    try:
        yield stored
    except BaseException:
        for obj in stored:
            obj.path.unlink(missing_ok=True)
        raise


def store(stored: list[StoredObject], data: bytes, *, kind: str, description: str, batch: Batch, user: Any,
          categories: Sequence[str]) -> StoredObject:
    obj = vault.store(io.BytesIO(data), kind=kind, description=description, organisation=batch.vendor, user=user,
                      categories=categories, batch=batch.vault_tag)
    stored.append(obj)
    return obj


def read_stored(obj: StoredObject, user: Any, request: Any = None) -> bytes:
    if obj.erased:
        raise ImageMissing("画像は消去済みです。")
    return vault.read_bytes(obj, user=user, request=request)


# OpenCV is imported where an image is made: the web and the command start without it.


def png(image: "np.ndarray") -> bytes:
    import cv2

    ok, data = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 image
        raise IntakeError("画像を保存できません。")
    return data.tobytes()


def jpeg(image: "np.ndarray") -> bytes:
    """A stored page image: JPEG keeps a noisy 200 dpi scan at a third of the PNG's size."""
    import cv2

    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, PAGE_JPEG_QUALITY])
    if not ok:  # pragma: no cover
        raise IntakeError("画像を保存できません。")
    return data.tobytes()


def decode(data: bytes) -> "np.ndarray":
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:  # pragma: no cover - we wrote it
        raise IntakeError("保存された画像を読めません。")
    return image
