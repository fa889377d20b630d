"""`yakuba upgrade check` reads each migration against the state before it. It refuses what would lock a busy
table or break the release still running: a NOT NULL column without a database default, a removal or
rename (unless the migration is a contract step), an index built with a lock. It accepts the expand steps:
a nullable column, one with db_default, an index built without locking in a non-atomic migration."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

import yakuba.council.migrations as real
from yakuba.cli import main

HEADER = '''from django.db import migrations, models
from yakuba.site.migration_ops import AddIndexWithoutLocking


class Migration(migrations.Migration):
    dependencies = [("council", "0001_initial")]
'''
CASES = {
    "add_not_null_no_default": ("", 'migrations.AddField("member", "extra", models.CharField(max_length=10))',
                                ["add-not-null"]),
    "add_not_null": ("", 'migrations.AddField("member", "extra", models.CharField(max_length=10, default="x"))',
                     ["add-not-null"]),  # a Python default: Django drops the column default after adding it
    "add_nullable": ("", 'migrations.AddField("member", "extra", models.CharField(max_length=10, null=True))', []),
    "add_db_default": ("", 'migrations.AddField("member", "extra", models.CharField(max_length=10, db_default="x"))',
                       []),
    "remove": ("", 'migrations.RemoveField("member", "active")', ["remove"]),
    "remove_contract": ("    contract = True\n", 'migrations.RemoveField("member", "active")', []),
    "rename": ("", 'migrations.RenameField("member", "order", "position")', ["rename"]),
    "not_null": ("", 'migrations.AlterField("meeting", "ends_at", models.TimeField())', ["not-null"]),
    "index": ("", 'migrations.AddIndex("member", models.Index(fields=["name"], name="council_member_name"))',
              ["index-locks"]),
    "index_without_locking": ("    atomic = False\n",
                              'AddIndexWithoutLocking("member", models.Index(fields=["name"], name="council_m_name"))',
                              []),
    "raw": ("", 'migrations.RunSQL("UPDATE council_member SET active = true")', ["raw-sql"]),
}


@pytest.fixture
def migrations_with(tmp_path: Path, settings, monkeypatch):  # type: ignore[no-untyped-def]
    package = tmp_path / "candidate_migrations"
    shutil.copytree(Path(real.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    for name, (attrs, operation, _) in CASES.items():
        (package / f"0002_{name}.py").write_text(f"{HEADER}{attrs}    operations = [{operation}]\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.MIGRATION_MODULES = {"council": "candidate_migrations"}
    yield
    for module in [m for m in sys.modules if m.startswith("candidate_migrations")]:
        del sys.modules[module]


@pytest.mark.parametrize("case", list(CASES))
def test_it_works(migrations_with, case: str) -> None:  # type: ignore[no-untyped-def]
    from yakuba.upgrade import check_migrations

    problems = check_migrations([("council", f"0002_{case}")])
    assert [p.rule for p in problems] == CASES[case][2], [p.line() for p in problems]


def test_from_the_command_line(migrations_with, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["upgrade", "check", "council.0002_add_not_null_no_default"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("yakuba: council.0002_add_not_null_no_default operation 1: [add-not-null] member.extra:")
    assert main(["upgrade", "check", "council.0002_add_nullable"]) == 0
    assert "ok: 1 移行を検査しました" in capsys.readouterr().out
    assert main(["upgrade", "check", "council.9999"]) == 2
    assert "移行 council.9999 がありません" in capsys.readouterr().err


@pytest.mark.django_db
def test_it_checks_what_the_database_has_not_applied(migrations_with, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["upgrade", "check"]) == 1  # the council's tables exist: its new migrations are checked
    err = capsys.readouterr().err
    refused = {line.split(" operation")[0].removeprefix("yakuba: ") for line in err.splitlines() if " operation " in line}
    assert refused == {f"council.0002_{case}" for case, (_, _, rules) in CASES.items() if rules}
