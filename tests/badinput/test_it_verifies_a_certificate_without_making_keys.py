"""`yakuba privacy verify-certificate` never makes keys: with no keyring and no --public-key it
says so (exit 3) and a genuine certificate is not called forged; with the signer's key it is OK."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.privacy.test_certificate import CERT, KEY
from yakuba.privacy._common import public_key_text


def _run(data, *args: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE_URL", "YAKUBA_KEYS"))}
    env["YAKUBA_DATA"] = str(data)
    return subprocess.run([sys.executable, "-m", "yakuba.cli", "privacy", "verify-certificate", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_it_works(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "fresh"
    cert = tmp_path / "cert.json"
    cert.write_bytes(CERT)
    result = _run(data, str(cert))
    assert result.returncode == 3, result.stderr
    assert "鍵束がありません" in result.stderr and "--public-key" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (data / "keys").exists() and not data.exists()
    ok = _run(data, str(cert), "--public-key", public_key_text(KEY.public_key()))
    assert ok.returncode == 0 and ok.stdout.startswith("OK"), ok.stderr
