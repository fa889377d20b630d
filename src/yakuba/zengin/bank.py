"""A bank, simulated: turns a request file (依頼データ) into a result file (振替結果データ).

`simulate(request, mix={"0": 0.9, "1": 0.1}, seed=7)` gives every data record a 振替結果コード
drawn from `mix` (code → share), deterministically from `seed` and the record's place in the file
(so the same request and seed always give the same result), or the code that `codes` forces for
its 顧客番号 (customer_number, compared with trailing spaces removed). Every trailer then gets its
transferred (code 0) / failed (other codes) counts and amounts. Header, names, fillers, separators
and the EOF byte are kept. For tests and demos; pure: no Django.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import replace
from itertools import accumulate
from typing import Mapping

from yakuba.zengin.codec import build, parse
from yakuba.zengin.errors import ZenginError
from yakuba.zengin.layout import DATA
from yakuba.zengin.model import Batch

DEFAULT_MIX: Mapping[str, float] = {"0": 0.94, "1": 0.04, "2": 0.01, "3": 0.005, "4": 0.003, "9": 0.002}
"""Mostly transferred; 資金不足 (1) is the usual failure."""

_CODES = next(f.values for f in DATA if f.key == "result_code")


def simulate(request: bytes, *, mix: Mapping[str, float] | None = None, seed: int = 0,
             codes: Mapping[str, str] | None = None) -> bytes:
    """The result file for a request file (a result file is refused: it has been through a bank)."""
    mix = dict(DEFAULT_MIX if mix is None else mix)
    for code, share in mix.items():
        if code not in _CODES or not share >= 0:  # type: ignore[operator]
            raise ZenginError(f"mix: a result code ({', '.join(_CODES or ())}) with a share >= 0", field="mix",
                              value=f"{code}={share}")
    if sum(mix.values()) <= 0:
        raise ZenginError("mix: the shares add up to zero", field="mix")
    forced = {k.rstrip(" "): v for k, v in (codes or {}).items()}
    for customer, code in forced.items():
        if code not in _CODES:
            raise ZenginError("codes: not a result code", field="codes", value=f"{customer}={code}")
    f = parse(request)
    keys = sorted(mix)
    cumulative = list(accumulate(mix[k] for k in keys))
    rng = random.Random(seed)
    batches = []
    for n, batch in enumerate(f.batches, 1):
        if not batch.trailer.is_request:
            raise ZenginError("not a request: this batch already has results", field="trailer",
                              value=f"batch {n}")
        records = []
        for r in batch.records:
            draw = rng.random() * cumulative[-1]
            code = forced.get(r.customer_number, keys[min(bisect_right(cumulative, draw), len(keys) - 1)])
            records.append(replace(r, result_code=code))
        done = [r for r in records if r.result_code == "0"]
        total = batch.trailer.total_amount
        ok = sum(r.amount for r in done)
        trailer = replace(batch.trailer, transferred_count=len(done), transferred_amount=ok,
                          failed_count=len(records) - len(done), failed_amount=total - ok)
        if trailer.is_request and records:
            # every amount 0 and every debit failed cannot be told from a request: the format's limit
            raise ZenginError("a batch whose records all fail with amount 0 cannot be written as a result",
                              field="trailer", value=f"batch {n}")
        batches.append(Batch(batch.header, tuple(records), trailer))
    return build(replace(f, batches=tuple(batches)))

