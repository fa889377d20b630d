"""Hand-over packages stream: a ~20 MB file goes through create, verify and open in little memory."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

from tests.privacy.conftest import CITY, VENDOR, Parties
from yakuba.privacy.package import create_package, open_package, verify_package

SIZE = 20 * 1024 * 1024 + 777


def test_it_round_trips_a_20_mb_file(parties: Parties, tmp_path: Path) -> None:
    big = tmp_path / "scans.bin"
    digest = hashlib.sha256()
    with open(big, "wb") as f:
        block = bytes(range(256)) * 4096
        left = SIZE
        while left:
            piece = block[: min(left, len(block))]
            f.write(piece)
            digest.update(piece)
            left -= len(piece)
    tracemalloc.start()
    try:
        manifest = create_package(
            tmp_path / "big.age", [("scans.bin", big)], sender=VENDOR, recipient=CITY, sequence=1,
            purpose="大量スキャン", signing_key=parties.vendor.signing_key(),
            recipient_key=parties.city.age_recipient(),
        )
        verified = verify_package(tmp_path / "big.age", **parties.verify_args())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, peak
    assert manifest.files[0].size == SIZE and manifest.files[0].sha256 == digest.hexdigest()
    assert verified == manifest
    (tmp_path / "in").mkdir()
    open_package(tmp_path / "big.age", tmp_path / "in", **parties.verify_args())
    out = tmp_path / "in" / "scans.bin"
    assert out.stat().st_size == SIZE
    check = hashlib.sha256()
    with open(out, "rb") as f:
        while chunk := f.read(1 << 20):
            check.update(chunk)
    assert check.hexdigest() == digest.hexdigest()
