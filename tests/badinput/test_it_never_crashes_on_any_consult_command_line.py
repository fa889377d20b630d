"""No command line makes `yakuba consult erase-expired|escalate|record-disposal` crash (exit 70 or
a traceback): random options and values, random bytes as the contractor's certificate, signature
and key; every refusal is one line."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from tests import factories
from tests.badinput.helpers import argv_strategy, yakuba
from yakuba.accounts.roles import Role

ACTIONS = ["erase-expired", "escalate", "record-disposal"]
WORDS = ["--as", "chief", "w1", "nobody", "--dry-run", "--asset", "PC-1", "--serial", "S-1", "--retired-on",
         "2026-04-01", "2999-01-01", "--contractor", "試験業者", "--certificate", "IN/c.pdf", "--sha256",
         "0" * 64, "--signature", "IN/s.sig", "--public-key", "ed25519:AAAA", "--public-key-file", "IN/k.txt", "-"]
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FULL = ["--as", "chief", "--asset", "PC-1", "--serial", "S-1", "--retired-on", "2026-04-01", "--contractor", "試験業者",
        "--certificate", "IN/c.pdf", "--sha256", "0" * 64]


@pytest.mark.django_db
@SETTINGS
@example(action="record-disposal", argv=FULL, data=b"x", sig=b"", key=b"ed25519:AAAA")
@example(action="record-disposal", argv=[*FULL, "--signature", "IN/s.sig", "--public-key-file", "IN/k.txt"],
         data=b"x", sig=b"\x00" * 64, key=b"\xff\xfe")
@example(action="erase-expired", argv=["--as", "w1"], data=b"", sig=b"", key=b"")
@given(action=st.sampled_from(ACTIONS), argv=argv_strategy(WORDS), data=st.binary(max_size=200),
       sig=st.binary(max_size=100), key=st.binary(max_size=60))
def test_it_works(action: str, argv: list[str], data: bytes, sig: bytes, key: bytes) -> None:
    if not factories.User.objects.filter(username="chief").exists():
        factories.user(Role.CENTER_SUPERVISOR, "chief")
        factories.user(Role.CENTER_WORKER, "w1")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "IN").mkdir()
        (base / "IN" / "c.pdf").write_bytes(data)
        (base / "IN" / "s.sig").write_bytes(sig)
        (base / "IN" / "k.txt").write_bytes(key)
        ran = yakuba("consult", action, *[str(base / w) if w.startswith("IN/") else w for w in argv])
        assert not ran.crashed, ran.err
        if ran.code not in (0, 2):
            assert ran.one_line, ran.err
