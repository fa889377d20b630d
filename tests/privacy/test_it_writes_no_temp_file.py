"""No plaintext of personal data lands in a temporary file: no module of yakuba uses `tempfile`
(uploads are kept in memory, packages are read as streams, the demo makes its synthetic scans,
deliveries and tax CSV in memory), and the demo's setup leaves nothing in the temp folder."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "yakuba"


def test_it_works() -> None:
    users = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "tempfile" or n.startswith("tempfile.") for n in names):
                users.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert users == []


@pytest.mark.django_db
def test_the_demo_admission_round_writes_nothing_to_the_temp_folder(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tempfile

    from tests import factories
    from tests.admission.conftest import city
    from yakuba.accounts.roles import Role
    from yakuba.admission import demo

    asked: list[str] = []

    def no_temp_folder() -> str:  # every tempfile function without dir= asks for it
        asked.append("gettempdir")
        raise AssertionError("a temporary file was about to be made")

    monkeypatch.setattr(tempfile, "gettempdir", no_temp_folder)
    monkeypatch.setenv("YAKUBA_DEMO_APPLICANTS", "30")
    city()
    staff = factories.user(Role.CITY_STAFF)
    supervisor = factories.user(Role.CITY_SUPERVISOR, "t-supervisor-2")
    demo.run(staff, supervisor)
    assert asked == []
    from yakuba.admission.models import Round

    assert Round.objects.get(name=demo.DEMO_ROUND).results.exists()
