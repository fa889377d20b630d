"""The relay client the screens use: the city's relay, or the demo's bank simulator when configured so.

Where the 全銀 files go is the city profile's ``debit.toml`` (`yakuba.cityprofile`):
``[relay] url, cert, key, ca`` names the real relay (LGWAN side, client certificate);
``relay = "simulator"`` (the demo city's) runs a relay on loopback for the length of one request,
with its store under `$YAKUBA_DATA/relay-sim` and the bank simulator as the bank. The environment
(`YAKUBA_DEBIT_RELAY`, read into `settings.DEBIT_RELAY`) overrides the profile. Nothing else
chooses the simulator: no relay configured is `RelayNotConfigured`, and while the simulator is
configured every screen says 「模擬銀行」 (`yakuba.debit.context`).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from django.conf import settings

from yakuba.cityprofile.load import current as city_profile
from yakuba.errors import YakubaError


class RelayNotConfigured(YakubaError):
    """No relay to send through: the city profile's ``debit.toml`` names none (nor `YAKUBA_DEBIT_RELAY`)."""

    code = "debit.relay_not_configured"
    default_message = ("中継サーバーが設定されていません(市の設定 debit.toml の relay、または YAKUBA_DEBIT_RELAY)。"
                       "システム管理者に連絡してください。")


def simulator_dir() -> Path:
    return Path(settings.DATA_DIR) / "relay-sim"


def configured() -> Any:
    """``"simulator"``, ``{"url", "cert", "key", "ca"}``, or None: the environment's, else the profile's."""
    options = getattr(settings, "DEBIT_RELAY", None)
    if options:
        return options
    relay = city_profile().relay
    if relay is None:
        return None
    if relay.simulator:
        return "simulator"
    return {"url": relay.url, "cert": str(relay.cert), "key": str(relay.key), "ca": str(relay.ca)}


def is_simulated() -> bool:
    """True while the bank simulator stands in for the banks (the screens say 「模擬銀行」)."""
    return configured() == "simulator"


@contextmanager
def relay_client() -> Iterator[Any]:
    options = configured()
    if options == "simulator":
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
