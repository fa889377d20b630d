"""The health app's side of 情報連携: enrolling a child at the hub (its 符号 and the family's view key) and
registering the child's 副本 on the city's 中間サーバー, both over mutual TLS.

Where they are comes from the city profile's `linkage.toml` (yakuba.cityprofile: the institution id, the
hub's and the 中間サーバー's URLs, this installation's client certificate). Without it there is no 情報連携:
nothing is sent and the screens say so — never a simulator by default.

The person handle is the stand-in for 住基ネット (docs/linkage/services.md): what every city presents alike
for the same child. Here it is a SHA-256 over the child's kana name, birth date and sex; a real deployment
replaces it with what 住基ネット provides, and nothing else changes.
"""

from __future__ import annotations

import hashlib
import unicodedata
from contextlib import contextmanager
from typing import Iterator, Protocol

from yakuba.linkage.pseudonym import length_prefixed

PERSON_DOMAIN = b"yakuba-health/person/1"


class Transport(Protocol):
    """What the health app asks of the hub and of its 中間サーバー."""

    def enrol(self, person: str) -> tuple[str, str]:
        """The city's 符号 for the person and the family's view key (text)."""
        ...

    def register(self, local_id: str, fugo: str, fukuhon: bytes) -> None:
        ...

    def ask(self, *, provider: str, jimu: str, items: list[str], fugo: str) -> dict:
        """The former city's answer, verified and opened by this city's 中間サーバー: {"provider", "items", …}."""
        ...

    def institutions(self) -> list[dict]:
        """The other institutions of the registry: [{"id", "kind", "name"}]."""
        ...

    def log_keys(self) -> dict:
        """The hub log's verifier key and the witnesses' keys: {"log_key", "witnesses": {id: key}}."""
        ...

    def log_file(self, path: str) -> bytes | None:
        """A file of the hub's log in the tlog-tiles layout (``checkpoint``, ``tile/…``); None if absent."""
        ...

    def read(self, fugo: str, jimu: str, items: list[str]) -> int:
        """Report to the hub that staff read what was provided for `jimu`; the log entry's index."""
        ...

    def close(self) -> None:
        ...


class HttpTransport:
    """The production transport: the hub's and the 中間サーバー's HTTPS clients (yakuba.linkage)."""

    def __init__(self, hub: str, intermediate: str, *, cert, key, ca) -> None:  # type: ignore[no-untyped-def]
        from yakuba.linkage.hub.app import HubClient
        from yakuba.linkage.intermediate.app import IntermediateClient

        self._hub = HubClient(hub, cert=cert, key=key, ca=ca)
        self._intermediate = IntermediateClient(intermediate, cert=cert, key=key, ca=ca)

    def enrol(self, person: str) -> tuple[str, str]:
        return self._hub.enrol(person)

    def register(self, local_id: str, fugo: str, fukuhon: bytes) -> None:
        self._intermediate.register(local_id, fugo, fukuhon)

    def ask(self, *, provider: str, jimu: str, items: list[str], fugo: str) -> dict:
        return self._intermediate.ask(provider=provider, jimu=jimu, items=items, fugo=fugo)

    def institutions(self) -> list[dict]:
        return self._intermediate.institutions()

    def log_keys(self) -> dict:
        return self._intermediate.log_keys()

    def read(self, fugo: str, jimu: str, items: list[str]) -> int:
        return self._hub.read(fugo, jimu, items)

    def log_file(self, path: str) -> bytes | None:
        return self._hub.log_file(path)

    def close(self) -> None:
        self._hub.close()
        self._intermediate.close()


def configured() -> bool:
    from yakuba.cityprofile.load import current

    return current().linkage is not None


def transport() -> HttpTransport | None:
    """The city's transport, or None when its profile has no linkage.toml."""
    from yakuba.cityprofile.load import current

    settings = current().linkage
    if settings is None:
        return None
    return HttpTransport(settings.hub, settings.intermediate, cert=settings.cert, key=settings.key, ca=settings.ca)


NO_LINKAGE = "この市の設定には情報連携(linkage.toml)がありません (no linkage in the city profile)"


@contextmanager
def connected() -> Iterator[Transport]:
    """The city's transport for a `with` block, closed after it; `HealthError` without linkage.toml."""
    from yakuba.health.errors import HealthError

    link = transport()
    if link is None:
        raise HealthError(NO_LINKAGE)
    try:
        yield link
    finally:
        link.close()


def person_handle(name_kana: str, birth_date: str, sex: str) -> str:
    """The enrolment handle (the 住基ネット stand-in): the same for one child in every city."""
    kana = "".join(unicodedata.normalize("NFKC", name_kana).split())
    return hashlib.sha256(length_prefixed(PERSON_DOMAIN, kana.encode(), birth_date.encode(), sex.encode())).hexdigest()
