"""Pure cores never import Django: every module of each, imported in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PURE_CORES = ["yakuba.privacy", "yakuba.allocation", "yakuba.relay", "yakuba.zengin", "yakuba.ocr"]

SCRIPT = """
import importlib, pkgutil, sys
core = importlib.import_module(sys.argv[1])
names = [m.name for m in pkgutil.walk_packages(core.__path__, core.__name__ + ".")]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
assert not loaded, loaded
print(len(names))
"""


@pytest.mark.smoke
@pytest.mark.parametrize("core", PURE_CORES)
def test_a_pure_core_imports_without_django(core: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    result = subprocess.run([sys.executable, "-c", SCRIPT, core], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 5


PURE_MODULES = ["yakuba.errors", "yakuba.files", "yakuba.commandline", "yakuba.delivery", "yakuba.cityprofile.where",
                "yakuba.cityprofile.load", "yakuba.cityprofile.cli"]


@pytest.mark.smoke
@pytest.mark.parametrize("module", PURE_MODULES)
def test_a_shared_pure_module_imports_without_django(module: str) -> None:
    script = ("import importlib, sys; importlib.import_module(sys.argv[1]); "
              "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
              "assert not loaded, loaded")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    result = subprocess.run([sys.executable, "-c", script, module], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
