"""The health app's `Transport` over the real hub and 中間サーバー cores in this process (no HTTP): the
services of tests/linkage/services/kit.py, city B (the new city) as this Django installation. Each
call goes where the HTTP one would: enrol and log reads to the hub, the rest to B's 中間サーバー, whose
asks the hub relays to A's. The services over gunicorn are tested in tests/linkage/services."""

from __future__ import annotations

from yakuba.linkage.errors import LogError


class InProcess:
    def __init__(self, s, city: str = "city-b") -> None:  # type: ignore[no-untyped-def]
        self.s, self.city = s, city
        self.server = s.b if city == "city-b" else s.a
        self.closed = 0

    def enrol(self, person: str) -> tuple[str, str]:
        from yakuba.linkage.entries import format_view_key

        enrolment = self.s.hub.enrol(self.city, person)
        return enrolment.fugo, format_view_key(enrolment.view_key)

    def register(self, local_id: str, fugo: str, fukuhon: bytes) -> None:
        self.server.register(local_id, fukuhon, fugo)

    def ask(self, *, provider: str, jimu: str, items: list[str], fugo: str) -> dict:
        providers = {"city-a": self.s.a, "city-b": self.s.b}

        def send(token: str) -> str:
            return self.s.hub.exchange(token, self.city, lambda request: providers[request.provider].provide(request))

        got = self.server.ask(provider=provider, jimu=jimu, items=items, fugo=fugo, send=send)
        return {"provider": got.provider, "items": dict(got.items or {}), "query_sha256": got.query_sha256}

    def institutions(self) -> list[dict]:
        return self.server.institutions()

    def log_keys(self) -> dict:
        return self.server.log_keys()

    def log_file(self, path: str) -> bytes | None:
        if path == "checkpoint":
            return self.s.hub.checkpoint()
        try:
            return self.s.hub.tile(path)
        except LogError:
            return None

    def read(self, fugo: str, jimu: str, items: list[str]) -> int:
        return self.s.hub.append_read(self.city, fugo, jimu, items)

    def close(self) -> None:
        self.closed += 1


def use(monkeypatch, transport: InProcess) -> InProcess:  # type: ignore[no-untyped-def]
    """The health app's 情報連携 goes through `transport` for the rest of the test."""
    import yakuba.health.linkage as linkage

    monkeypatch.setattr(linkage, "transport", lambda: transport)
    monkeypatch.setattr(linkage, "configured", lambda: True)
    return transport

