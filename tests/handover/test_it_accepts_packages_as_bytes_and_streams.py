"""The hand-over service takes packages as paths, bytes or streams, and can accept one into memory:
the files come back in `Accepted.files`, nothing plaintext is written, and refusals are audited
the same way as for a file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests import factories
from yakuba.audit.models import AuditEntry
from yakuba.handover import service
from yakuba.handover.models import PackageRecord
from yakuba.privacy.errors import PrivacyError, ReplayError, TamperedError

HEADER = b'{"format":"synthetic-delivery/1"}'
RECORDS = "受付番号,基準点\nR8-0001,20\n".encode()


@pytest.fixture
def orgs(db):  # type: ignore[no-untyped-def]
    from yakuba.keyring import get_keyring

    keyring = get_keyring()
    for code in ("kodomo", "vendor-entry"):
        org = factories.org(code)
        org.public_key, org.age_recipient = keyring.public_key_text(), keyring.age_recipient()
        org.save()


def _create(out: object, files: list | None = None) -> object:  # type: ignore[type-arg]
    return service.create(out, files or [("header.json", HEADER), ("records.csv", lambda: io.BytesIO(RECORDS))],
                          sender="vendor-entry", recipient="kodomo", purpose="納品(テスト)")


def _refusals() -> list[str]:
    return list(AuditEntry.objects.filter(action="package.refused").values_list("target_id", flat=True))


@pytest.mark.django_db
def test_a_package_made_in_memory_is_accepted_in_memory(orgs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    made = _create(out)
    sent = PackageRecord.objects.get(direction=PackageRecord.Direction.SENT)
    assert sent.total_size == len(HEADER) + len(RECORDS) == made.total_size
    assert service.verify(out.getvalue(), recipient="kodomo") == made

    accepted = service.accept(io.BytesIO(out.getvalue()), recipient="kodomo", name="upload.yakuba")
    assert accepted.manifest == made and accepted.receipt
    assert accepted.files == {"header.json": HEADER, "records.csv": RECORDS}
    received = PackageRecord.objects.get(direction=PackageRecord.Direction.RECEIVED)
    assert received.total_size == made.total_size and received.file_count == 2
    assert list(tmp_path.iterdir()) == []

    with pytest.raises(ReplayError):
        service.accept(out.getvalue(), recipient="kodomo", name="upload.yakuba")
    assert _refusals() == ["upload.yakuba"]


@pytest.mark.django_db
def test_paths_still_work_and_a_folder_accept_has_no_files_in_memory(orgs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "records.csv").write_bytes(RECORDS)
    made = _create(tmp_path / "p.yakuba", [tmp_path / "records.csv", ("extra/header.json", HEADER)])
    assert [f.path for f in made.files] == ["records.csv", "extra/header.json"]
    accepted = service.accept(tmp_path / "p.yakuba", tmp_path / "in", recipient="kodomo")
    assert accepted.files is None
    assert (tmp_path / "in" / "records.csv").read_bytes() == RECORDS
    assert (tmp_path / "in" / "extra" / "header.json").read_bytes() == HEADER


@pytest.mark.django_db
def test_a_tampered_stream_is_refused_and_audited(orgs) -> None:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    _create(out)
    data = bytearray(out.getvalue())
    data[len(data) // 2] ^= 0x01
    with pytest.raises(TamperedError):
        service.accept(io.BytesIO(bytes(data)), recipient="kodomo")
    with pytest.raises(TamperedError):
        service.verify(bytes(data), recipient="kodomo", name="bad.yakuba")
    assert _refusals() == ["(名前なし)", "bad.yakuba"]
    assert not PackageRecord.objects.filter(direction=PackageRecord.Direction.RECEIVED).exists()


@pytest.mark.django_db
def test_an_in_memory_accept_has_a_size_limit(orgs) -> None:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    _create(out)
    with pytest.raises(PrivacyError, match="大きすぎる"):
        service.accept(out.getvalue(), recipient="kodomo", limit=len(RECORDS))
    assert not PackageRecord.objects.filter(direction=PackageRecord.Direction.RECEIVED).exists()
    assert len(_refusals()) == 1
