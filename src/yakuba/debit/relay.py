"""The relay client the screens use: the configured relay, or the demo's bank simulator.

`DEBIT_RELAY = {"url": "https://relay.example.lg.jp:8443", "cert": ..., "key": ..., "ca": ...}`
names the real relay (LGWAN side, client certificate). `DEBIT_RELAY = "simulator"` (the demo) runs a
relay on loopback for the length of one request, with its store under `$YAKUBA_DATA/relay-sim` and
the bank simulator as the bank, so sending and fetching results work in the demo city. When
`DEBIT_RELAY` is not set and that folder exists (the demo made it), the simulator is used too.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from django.conf import settings

from yakuba.errors import YakubaError


class RelayNotConfigured(YakubaError):
    """No relay to send through: `DEBIT_RELAY` is not set (and no demo simulator is there)."""

    code = "debit.relay_not_configured"
    default_message = "中継サーバーが設定されていません(設定 DEBIT_RELAY)。システム管理者に連絡してください。"


def simulator_dir() -> Path:
    return Path(settings.DATA_DIR) / "relay-sim"


@contextmanager
def relay_client() -> Iterator[Any]:
    options = getattr(settings, "DEBIT_RELAY", None)
    if options == "simulator" or (options is None and simulator_dir().is_dir()):
        from yakuba.relay.testing import running_relay
        from yakuba.zengin.bank import simulate

        with running_relay(simulator_dir(), bank=simulate) as harness:
            yield harness.client
        return
    if not options:
        raise RelayNotConfigured()
    from yakuba.relay.client import RelayClient

    with RelayClient(options["url"], cert=Path(options["cert"]), key=Path(options["key"]), ca=Path(options["ca"])) as client:
        yield client
