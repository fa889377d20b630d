"""Fixtures for the privacy core's tests: synthetic keyrings for a vendor and a city."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from yakuba.privacy.keys import Keyring
from yakuba.privacy.package import MemoryLedger

VENDOR = "V0001"  # 委託先 (synthetic organisation code)
CITY = "C0001"  # 市


@dataclass
class Parties:
    vendor: Keyring
    city: Keyring
    stranger: Keyring

    @property
    def trusted(self) -> dict[str, str]:
        """What the city trusts: the vendor's public key under the vendor's code."""
        return {VENDOR: self.vendor.public_key_text()}

    def verify_args(self, ledger: MemoryLedger | None = None) -> dict[str, Any]:
        return {
            "identity": self.city.age_identity(),
            "trusted_senders": self.trusted,
            "expected_recipient": CITY,
            "ledger": ledger if ledger is not None else MemoryLedger(),
        }


@pytest.fixture(scope="session")
def parties(tmp_path_factory: pytest.TempPathFactory) -> Parties:
    base = tmp_path_factory.mktemp("parties")
    return Parties(
        vendor=Keyring.open(base / "vendor"),
        city=Keyring.open(base / "city"),
        stranger=Keyring.open(base / "stranger"),
    )


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.open(tmp_path / "keys")
