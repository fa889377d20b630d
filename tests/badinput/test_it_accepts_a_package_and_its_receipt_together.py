"""The receipt is written in the transaction that records the acceptance: when writing it fails
(a full disk), the package is not accepted and nothing it held is left in DEST — a retry works."""

from __future__ import annotations

import errno
import io
from pathlib import Path

import pytest

from tests import factories
from yakuba.handover import service
from yakuba.handover.models import PackageRecord


@pytest.fixture
def package(db) -> bytes:  # type: ignore[no-untyped-def]
    from yakuba.keyring import get_keyring

    keyring = get_keyring()
    for code in ("kodomo", "vendor-entry"):
        org = factories.org(code)
        org.public_key, org.age_recipient = keyring.public_key_text(), keyring.age_recipient()
        org.save()
    out = io.BytesIO()
    service.create(out, [("dir/records.csv", b"R8-0001,20\n"), ("top.csv", b"x\n")], sender="vendor-entry",
                   recipient="kodomo", purpose="納品(テスト)")
    return out.getvalue()


def _full_disk(receipt: bytes) -> None:
    raise OSError(errno.ENOSPC, "No space left on device", "receipt.json")


@pytest.mark.django_db
def test_it_works(package: bytes, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "mine.txt").write_text("kept")
    with pytest.raises(OSError):
        service.accept(package, dest, recipient="kodomo", with_receipt=_full_disk)
    assert sorted(p.name for p in dest.iterdir()) == ["mine.txt"]
    assert not PackageRecord.objects.filter(direction=PackageRecord.Direction.RECEIVED).exists()
    written: list[bytes] = []
    accepted = service.accept(package, dest, recipient="kodomo", with_receipt=written.append)
    assert written == [accepted.receipt] and (dest / "dir" / "records.csv").exists()
    assert PackageRecord.objects.filter(direction=PackageRecord.Direction.RECEIVED).count() == 1
