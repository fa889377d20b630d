"""The privacy core is pure: importing every module of it never imports Django."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import yakuba.privacy as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, core.__name__ + ".")]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
assert not loaded, loaded
assert {"yakuba.privacy.keys", "yakuba.privacy.envelope", "yakuba.privacy.erasure",
        "yakuba.privacy.package", "yakuba.privacy.audit_chain", "yakuba.privacy.errors"} <= set(names), names
print(len(names))
"""


def test_it_imports_every_module_without_django() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 6
