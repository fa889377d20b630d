"""No command line and no file makes the client side of `yakuba relay` (pki, send, status, fetch)
crash (exit 70 or a traceback): random options and numbers, certificates and keys that are not,
URLs of every kind, a relay that is not there. (`serve` is tested in tests/relay: it serves.)"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.badinput.helpers import yakuba

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OPTION_WORDS = ["--url", "--cert", "--key", "--ca", "--retries", "--timeout", "--name", "--out", "--wait",
                "--client", "IN/cert.pem", "IN/key.pem", "IN/ca.pem", "IN/file.txt", "OUT/result.txt", "OUT",
                "https://127.0.0.1:1", "http://127.0.0.1:1", "https://", "ftp://x", "127.0.0.1:1", "",
                "0", "1", "-1", "0.1", "nan", "inf", "1e9", "21", "abc", "00000000-0000-0000-0000-000000000000"]
WORD = st.one_of(st.sampled_from(OPTION_WORDS), st.text(max_size=10))


@SETTINGS
@given(action=st.sampled_from(["pki", "send", "status", "fetch"]), argv=st.lists(WORD, max_size=10),
       complete=st.booleans(), pem=st.one_of(st.binary(max_size=120), st.just(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")))
def test_it_works(action: str, argv: list[str], complete: bool, pem: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "IN").mkdir()
        (base / "OUT").mkdir()
        for name in ("cert.pem", "key.pem", "ca.pem", "file.txt"):
            (base / "IN" / name).write_bytes(pem)
        words = [str(base / w) if w.startswith(("IN", "OUT")) else w for w in argv]
        if complete and action != "pki":  # what each needs, so that it gets past argparse to the files
            first = {"send": str(base / "IN" / "file.txt"), "status": "some-id", "fetch": "some-id"}[action]
            words = [first, "--cert", str(base / "IN" / "cert.pem"), "--key", str(base / "IN" / "key.pem"),
                     "--ca", str(base / "IN" / "ca.pem"), *(["--out", str(base / "OUT" / "r.txt")]
                                                          if action == "fetch" else []), *words]
        elif complete:
            words = [str(base / "OUT" / "pki"), *words]
        if action != "pki":  # a relay that is not there, answered at once: never a real wait
            words += ["--url", "https://127.0.0.1:1", "--retries", "0", "--timeout", "1"]
        with contextlib.chdir(base):  # a relative folder that `pki` is given lands here, never in the checkout
            ran = yakuba("relay", action, *words)
        assert not ran.crashed, ran.err
        assert not any(Path(".").glob("*.key")), "a key was written into the current folder"
