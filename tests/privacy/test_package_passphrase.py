"""Hand-over packages for removable media: encrypted with a passphrase, streamed all the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.privacy.conftest import CITY, VENDOR, Parties
from yakuba.privacy.errors import WrongRecipientError
from yakuba.privacy.package import (
    PASSPHRASE_KEY,
    PASSPHRASE_MAGIC,
    create_package,
    open_package,
    verify_package,
)

PASSPHRASE = "synthetic-usb-passphrase-2025"


@pytest.fixture(scope="module")
def package(parties: Parties, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("usb")
    (base / "form.pdf").write_bytes(b"synthetic form " * 1000)
    create_package(
        base / "usb.pkg", [("form.pdf", base / "form.pdf")], sender=VENDOR, recipient=CITY,
        sequence=1, purpose="USB 受け渡し", signing_key=parties.vendor.signing_key(),
        passphrase=PASSPHRASE,
    )
    return base / "usb.pkg"


def _args(parties: Parties, **kw: object) -> dict[str, Any]:
    args = parties.verify_args()
    args.pop("identity")
    args.update(kw)
    return args


def test_it_round_trips(parties: Parties, package: Path, tmp_path: Path) -> None:
    raw = package.read_bytes()
    assert raw.startswith(PASSPHRASE_MAGIC)
    assert b"synthetic form" not in raw
    manifest = open_package(package, tmp_path, **_args(parties, passphrase=PASSPHRASE))
    assert manifest.recipient_key == PASSPHRASE_KEY
    assert (tmp_path / "form.pdf").read_bytes() == b"synthetic form " * 1000


def test_it_refuses_a_wrong_passphrase(parties: Parties, package: Path) -> None:
    from yakuba.privacy.errors import DecryptionError, WrongRecipientError as _W

    with pytest.raises(DecryptionError, match="パスフレーズが違います") as caught:
        verify_package(package, **_args(parties, passphrase="guess"))
    assert not isinstance(caught.value, _W) and caught.value.exit_code == 4


def test_it_asks_for_a_passphrase_rather_than_a_key(parties: Parties, package: Path) -> None:
    with pytest.raises(WrongRecipientError, match="パスフレーズで暗号化"):
        verify_package(package, **parties.verify_args())
