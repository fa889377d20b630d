"""Refuse removable media (フロッピー・USBメモリ等): the relay replaces them, it never writes to them.

Every path the relay writes to (its store, the PKI folder, a fetched result) is checked with
`refuse_removable` first. Detection is best effort and errs on the side of refusing:
Linux block devices flagged `removable` or attached over USB/MMC, and the usual mount points of
removable media (`/media`, `/run/media`, `/mnt/floppy`, macOS `/Volumes`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from yakuba.relay.errors import RelayError

REMOVABLE_MOUNTS = ("/media", "/run/media", "/mnt/floppy", "/mnt/usb") + (("/Volumes",) if sys.platform == "darwin" else ())


def _existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def is_removable(path: Path) -> bool:
    """True when `path` (or, if it does not exist yet, its nearest existing parent) lies on removable media."""
    where = _existing(Path(path)).resolve()
    for candidate in (Path(os.path.abspath(path)), where):
        for mount in map(Path, REMOVABLE_MOUNTS):
            if candidate == mount or mount in candidate.parents:
                return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        st = os.stat(where)
        device = Path(f"/sys/dev/block/{os.major(st.st_dev)}:{os.minor(st.st_dev)}")
        if not device.exists():
            return False  # tmpfs, overlay, network file systems: not a block device
        real = device.resolve()
        if "/usb" in str(real) or "/mmc" in str(real):
            return True
        for candidate in (real, real.parent):
            flag = candidate / "removable"
            if flag.exists():
                return flag.read_text(encoding="ascii").strip() == "1"
    except OSError:
        return False
    return False


def refuse_removable(path: Path) -> None:
    """Raise `RelayError` when `path` is on removable media."""
    if is_removable(Path(path)):
        raise RelayError(f"取り外し可能な媒体には書き込みません (refusing to write to removable media): {path}")
