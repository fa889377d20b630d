"""The 「模擬銀行」 banner: every screen says so while the bank simulator stands in for the banks."""

from __future__ import annotations

from typing import Any

from yakuba.debit.relay import is_simulated


def simulated_bank(request: Any) -> dict[str, bool]:
    return {"yakuba_simulated_bank": is_simulated()}
