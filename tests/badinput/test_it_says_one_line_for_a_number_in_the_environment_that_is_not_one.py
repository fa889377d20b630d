"""A numeric setting (`YAKUBA_BULK_EXPORT_ROWS=ten`, `YAKUBA_TABLE_MAX_ROWS=-1`, …) that is not a
whole number at least its minimum stops the command with one line naming the variable (exit 1), not
an internal error, and is never silently replaced by its default. Every such variable is in the
README's configuration table."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yakuba.errors import EnvironmentProblem
from yakuba.site.config import env_int

ROOT = Path(__file__).resolve().parents[2]
NAME = "YAKUBA_TEST_NUMBER"


def _numeric_variables() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src" / "yakuba").rglob("*.py"):
        found |= set(re.findall(r'env_int\("(YAKUBA_[A-Z_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_it_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "ten")
    with pytest.raises(EnvironmentProblem) as raised:
        env_int(NAME, 10)
    assert NAME in raised.value.one_line() and "'ten'" in raised.value.one_line()


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_anything_but_a_whole_number_from_the_minimum_is_refused(text: str) -> None:
    os.environ[NAME] = text.replace("\x00", "")
    try:
        try:
            expected: int | None = int(os.environ[NAME].strip()) if os.environ[NAME].strip() else 7
        except ValueError:
            expected = None
        if expected is not None and expected >= 1:
            assert env_int(NAME, 7) == expected
        else:
            with pytest.raises(EnvironmentProblem):
                env_int(NAME, 7)
    finally:
        del os.environ[NAME]


def test_every_numeric_variable_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    variables = _numeric_variables()
    assert {"YAKUBA_BULK_EXPORT_ROWS", "YAKUBA_TABLE_MAX_ROWS", "YAKUBA_UPLOAD_MAX_PAGES"} <= variables
    assert sorted(v for v in variables if f"`{v}`" not in readme) == []


@pytest.mark.parametrize("variable, value", [("YAKUBA_BULK_EXPORT_ROWS", "ten"), ("YAKUBA_EXPORT_TTL_H", "0"),
                                             ("YAKUBA_UPLOAD_MAX_PIXELS", "1e9")])
def test_a_command_stops_with_one_line(tmp_path: Path, variable: str, value: str) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE_URL"))}
    environment.update({"YAKUBA_DATA": str(tmp_path), variable: value})
    result = subprocess.run([sys.executable, "-m", "yakuba.cli", "audit", "verify"], env=environment,
                            capture_output=True, text=True, timeout=120)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1 and variable in lines[0], result.stderr
    assert "Traceback" not in result.stderr and "内部エラー" not in result.stderr
