"""What the service tests share: two cities A and B (synthetic), a registry of them, a hub in a
temporary folder with a fixed clock, and a child enrolled in both."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from yakuba.linkage.hub import Enrolment, Hub
from yakuba.linkage.query import Institution
from yakuba.linkage.registry import member_json, registry_json
from yakuba.linkage.tlog import Signer

if TYPE_CHECKING:
    from yakuba.linkage.intermediate import Intermediate

T0 = 1_750_000_000  # 2025-06-15 JST: the 3歳児健診 row in force
JIMU = "boshi-12-3y-checkup"
ITEMS = ["checkup_date", "age_in_months", "height_cm", "weight_kg", "urine"]
ORIGIN = "yakuba.example/linkage/hub"
# The stand-in for 住基ネット: an opaque handle both cities present for the child that moved.
CHILD = hashlib.sha256(b"synthetic child 1").hexdigest()


class Clock:
    def __init__(self, now: int = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return float(self.now)


@dataclass
class Cities:
    a: Institution  # the former city (provider)
    b: Institution  # the new city (requester)
    witness_a: Signer
    witness_b: Signer
    registry: Path


def cities(folder: Path) -> Cities:
    a = Institution.generate("city-a", "市町村", "A市（サンプル）")
    b = Institution.generate("city-b", "市町村", "B町（サンプル）")
    wa, wb = Signer.generate("city-a.yakuba.example/witness"), Signer.generate("city-b.yakuba.example/witness")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "registry.json"
    path.write_bytes(registry_json([member_json(a, tls_cn="city-a", witness=wa.verifier()),
                                    member_json(b, tls_cn="city-b", witness=wb.verifier())]))
    return Cities(a, b, wa, wb, path)


def hub(folder: Path, registry: Path, clock: Clock) -> Hub:
    return Hub.init(folder / "hub", registry=registry, origin=ORIGIN, clock=clock)


def enrol_child(h: Hub, person: str = CHILD) -> tuple[Enrolment, Enrolment]:
    return h.enrol("city-a", person), h.enrol("city-b", person)


def private(path: Path) -> bool:
    return os.stat(path).st_mode & 0o077 == 0


@dataclass
class Services:
    hub: Hub
    a: "Intermediate"  # the former city: holds the child's 副本
    b: "Intermediate"  # the new city: asks
    registry: Path

    def close(self) -> None:
        for service in (self.hub, self.a, self.b):
            service.close()


def services(folder: Path, clock: Clock) -> Services:
    """Two 中間サーバー and a hub, initialised and connected in `folder` (as the CLI's init does)."""
    from yakuba.linkage.intermediate import Intermediate

    a = Intermediate.init(folder / "city-a", id="city-a", kind="市町村", name="A市（サンプル）", clock=clock)
    b = Intermediate.init(folder / "city-b", id="city-b", kind="市町村", name="B町（サンプル）", clock=clock)
    registry = folder / "registry.json"
    registry.write_bytes(registry_json([a.public_json(), b.public_json()]))
    h = hub(folder, registry, clock)
    for city in (a, b):
        city.connect(registry=registry, hub_log_key=h.log_verifier.key_string())
    return Services(h, a, b, registry)


def fukuhon_bytes() -> tuple[str, bytes, dict]:
    """A synthetic child's whole 副本 (local_id, bytes, document)."""
    from tests.linkage.checkups import example_child
    from yakuba.linkage import fukuhon

    doc = fukuhon.to_document(example_child())
    return doc["local_id"], fukuhon.dumps(doc), doc
