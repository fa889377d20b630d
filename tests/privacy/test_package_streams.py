"""Packages on streams: refused the same way from a stream as from a file; memory opening has a
limit; a stream source that changes between hashing and writing is refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.privacy.conftest import CITY, VENDOR, Parties
from tests.privacy.streams import OneWay, WriteOnly
from yakuba.privacy.errors import PrivacyError, TamperedError, WrongRecipientError
from yakuba.privacy.package import (
    Manifest,
    MemoryLedger,
    create_package,
    open_package_to_memory,
    read_package,
    source_name,
    verify_package,
)

RECORDS = "受付番号,基準点\nR8-0001,20\n".encode() * 200
HEADER = b'{"format":"synthetic"}'


def _create(parties: Parties, out: object, files: list[tuple[str, object]], **kw: object) -> Manifest:
    args: dict[str, object] = dict(
        sender=VENDOR, recipient=CITY, sequence=1, purpose="納品",
        signing_key=parties.vendor.signing_key(), recipient_key=parties.city.age_recipient(),
    )
    args.update(kw)
    return create_package(out, files, **args)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def raw(parties: Parties) -> bytes:
    out = io.BytesIO()
    _create(parties, out, [("header.json", HEADER), ("records.csv", RECORDS)])
    return out.getvalue()


def test_a_stream_output_holds_the_same_kind_of_file(parties: Parties, raw: bytes) -> None:
    assert raw.startswith(b"age-encryption.org/v1\n-> X25519 ")
    assert b"R8-0001" not in raw


def test_memory_opening_keeps_the_files_in_the_manifest_order(parties: Parties, raw: bytes) -> None:
    manifest, files = open_package_to_memory(OneWay(raw), **parties.verify_args())
    assert list(files) == ["header.json", "records.csv"] == [f.path for f in manifest.files]
    assert files["records.csv"] == RECORDS and files["header.json"] == HEADER


@pytest.mark.parametrize("from_end", [20, 1000, 3000])
def test_a_changed_byte_in_a_stream_is_refused(parties: Parties, raw: bytes, from_end: int) -> None:
    changed = bytearray(raw)
    changed[-from_end] ^= 0x40
    for src in (OneWay(bytes(changed)), io.BytesIO(bytes(changed)), bytes(changed)):
        with pytest.raises(TamperedError, match="暗号文が壊れているか改ざん") as caught:
            open_package_to_memory(src, **parties.verify_args(), name="delivery.yakuba")
        assert caught.value.where == "delivery.yakuba"


def test_a_cut_off_stream_is_refused(parties: Parties, raw: bytes) -> None:
    with pytest.raises(TamperedError):
        verify_package(OneWay(raw[: len(raw) // 2]), **parties.verify_args())


def test_a_stream_for_another_key_is_refused(parties: Parties, raw: bytes) -> None:
    args = parties.verify_args()
    args["identity"] = parties.stranger.age_identity()
    with pytest.raises(WrongRecipientError, match="当組織宛てではありません"):
        open_package_to_memory(OneWay(raw), **args)


def test_memory_opening_refuses_a_package_over_the_limit(parties: Parties, raw: bytes) -> None:
    with pytest.raises(PrivacyError, match="大きすぎるためメモリ上で開けません") as caught:
        open_package_to_memory(raw, **parties.verify_args(), limit=len(RECORDS))
    assert not isinstance(caught.value, TamperedError)
    manifest, files = open_package_to_memory(raw, **parties.verify_args(), limit=len(RECORDS) + len(HEADER))
    assert manifest.total_size == len(RECORDS) + len(HEADER) and len(files) == 2


def test_passphrase_mode_through_one_way_streams(parties: Parties) -> None:
    out = WriteOnly()
    made = _create(parties, out, [("records.csv", lambda: OneWay(RECORDS))], passphrase="synthetic-usb",
                   recipient_key=None)
    args = parties.verify_args()
    args.update(identity=None, passphrase="synthetic-usb")
    manifest, files = open_package_to_memory(OneWay(out.getvalue(), step=101), **args)
    assert manifest == made and files == {"records.csv": RECORDS}
    args.update(passphrase="wrong")
    from yakuba.privacy.errors import DecryptionError, WrongRecipientError as _W

    with pytest.raises(DecryptionError, match="パスフレーズが違います") as caught:
        verify_package(OneWay(out.getvalue()), **args)
    assert not isinstance(caught.value, _W) and caught.value.exit_code == 4


def test_a_replayed_stream_is_refused(parties: Parties, raw: bytes) -> None:
    from yakuba.privacy.errors import ReplayError

    ledger = MemoryLedger()
    manifest, _ = open_package_to_memory(io.BytesIO(raw), **parties.verify_args(ledger))
    ledger.record(manifest)
    with pytest.raises(ReplayError):
        open_package_to_memory(io.BytesIO(raw), **parties.verify_args(ledger))


def test_read_package_hands_each_file_to_the_sink(parties: Parties, raw: bytes) -> None:
    seen: dict[str, io.BytesIO] = {}

    class Keep(io.BytesIO):
        def close(self) -> None:
            pass

    def sink(entry):  # type: ignore[no-untyped-def]
        seen[entry.path] = Keep()
        return seen[entry.path]

    manifest = read_package(OneWay(raw), sink=sink, **parties.verify_args())
    assert [f.path for f in manifest.files] == list(seen)
    assert seen["records.csv"].getvalue() == RECORDS


def test_a_stream_source_that_changes_between_hash_and_write_is_refused(parties: Parties) -> None:
    calls = []

    def opener() -> io.BytesIO:
        calls.append(1)
        return io.BytesIO(RECORDS if len(calls) == 1 else RECORDS[:-1] + b"!")

    out = WriteOnly()
    with pytest.raises(PrivacyError, match="パッケージ作成中に変更されました"):
        _create(parties, out, [("records.csv", opener)])
    assert len(calls) == 2


def test_a_path_output_is_not_left_behind_when_a_source_fails(parties: Parties, tmp_path: Path) -> None:
    calls = []

    def broken() -> io.BytesIO:  # readable to hash, gone when its content is written
        calls.append(1)
        if len(calls) > 1:
            raise OSError("device gone")
        return io.BytesIO(RECORDS)

    with pytest.raises(PrivacyError, match="ファイル records.csv を読めません"):
        _create(parties, tmp_path / "p.age", [("records.csv", broken)])
    assert list(tmp_path.iterdir()) == [] and len(calls) == 2


def test_a_failing_output_stream_is_told(parties: Parties) -> None:
    class Full:
        name = "/media/usb/p.age"

        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

    for size in (10, 500_000):  # pyrage itself would drop the error of a small package's only write
        with pytest.raises(PrivacyError, match="受け渡しパッケージ p.age を書き込めません") as caught:
            _create(parties, Full(), [("records.csv", (RECORDS * 100)[:size])])
        assert "No space left" in str(caught.value.detail)


def test_source_names() -> None:
    assert source_name(Path("/tmp/a/delivery.yakuba")) == "delivery.yakuba"
    assert source_name(b"...") == "(名前なし)"
    assert source_name(io.BytesIO(), "upload.yakuba") == "upload.yakuba"
    with open(__file__, "rb") as f:
        assert source_name(f) == Path(__file__).name


def test_an_open_stream_as_a_file_content_is_a_programming_error(parties: Parties) -> None:
    with pytest.raises(TypeError, match="read twice"):
        _create(parties, io.BytesIO(), [("records.csv", io.BytesIO(RECORDS))])
