"""No command line and no file content makes `yakuba intake` crash (exit 70 or a traceback)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.badinput.helpers import argv_strategy, yakuba

ACTIONS = ["read", "blank-form", "synth", "score"]
WORDS = ["--out", "--engine", "null", "--today", "--facilities", "--dpi", "--count", "--workers", "--quiet",
         "--json", "IN", "IN/a.png", "IN/b.pdf", "FAC", "OUT/x.pdf", "OUT/x.png", "OUT/r.jsonl", "OUT"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(action=st.sampled_from(ACTIONS), argv=argv_strategy(WORDS), png=st.binary(max_size=64),
       pdf=st.binary(max_size=64), facilities=st.binary(max_size=64))
def test_it_works(action, argv, png, pdf, facilities) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "IN").mkdir()
        (base / "OUT").mkdir()
        (base / "IN" / "a.png").write_bytes(png)
        (base / "IN" / "b.pdf").write_bytes(b"%PDF-1.4\n" + pdf)
        (base / "FAC").write_bytes(facilities)
        words = [str(base / w) if w.startswith(("IN", "OUT", "FAC")) else w for w in argv]
        if action == "read":
            words += ["--engine", "null", "--workers", "1"]
        if action == "synth":
            words = [w for w in words if w != "--count"] + ["--count", "1", "--dpi", "60"] if "--count" in words else words
        ran = yakuba("intake", action, *words)
        assert not ran.crashed, ran.err
