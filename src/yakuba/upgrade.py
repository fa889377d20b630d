"""`yakuba upgrade check`: the migrations an upgrade would run, checked so that the office never stops.

During a rolling upgrade the old release keeps serving while the new one migrates the database, so a
migration must neither lock a busy table nor break the running version (expand, then contract). Each
operation of each migration is checked against the database state just before it:

| rule | refused |
|---|---|
| `add-not-null` | a NOT NULL column added without a database default (`db_default`): the old release's INSERTs omit it and fail (a Python `default` is not enough: Django drops the column default after adding it) |
| `not-null` | a nullable column made NOT NULL: rows the old release writes without it fail, and the check scans the table under lock |
| `type-change` | a column's database type changed: the table is rewritten under an exclusive lock |
| `remove`, `rename` | a column or table removed or renamed: the old release still reads and writes it |
| `index-locks` | an index or unique constraint added to a table that existed before: CREATE INDEX blocks writes (use `yakuba.site.migration_ops.AddIndexWithoutLocking`, or `AddIndexConcurrently`, in a migration with `atomic = False`) |
| `raw-sql` | `RunSQL`: it cannot be checked |

A migration that is a contract step says so with ``contract = True``: it runs only once every server
runs the release that stopped using what it removes, and `remove`, `rename`, `not-null` and
`type-change` are then allowed (`add-not-null` and `index-locks` are not: they lock or break whatever
runs). Each problem is one line naming the migration, the operation's number and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

__all__ = ["Problem", "check_migrations", "pending", "every"]

CONTRACT_ALLOWS = {"remove", "rename", "not-null", "type-change"}


@dataclass(frozen=True)
class Problem:
    migration: str  # app_label.name
    operation: int  # 1-based
    rule: str
    message: str

    def line(self) -> str:
        return f"{self.migration} operation {self.operation}: [{self.rule}] {self.message}"


def _db_type(field: Any, connection: Any) -> str | None:
    try:
        return field.db_parameters(connection)["type"]
    except Exception:  # noqa: BLE001 - a field the backend cannot describe: nothing to compare
        return None


def _has_db_default(field: Any) -> bool:
    from django.db.models import NOT_PROVIDED

    return getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED


def _problems_of(key: tuple[str, str], migration: Any, state: Any, connection: Any) -> list[Problem]:
    from django.contrib.postgres.operations import AddIndexConcurrently
    from django.db.migrations import operations as ops

    from yakuba.site.migration_ops import AddIndexWithoutLocking

    label = f"{key[0]}.{key[1]}"
    contract = bool(getattr(migration, "contract", False))
    created: set[str] = set()
    out: list[Problem] = []

    def refuse(number: int, rule: str, message: str) -> None:
        if not (contract and rule in CONTRACT_ALLOWS):
            out.append(Problem(label, number, rule, message))

    for number, op in enumerate(migration.operations, 1):
        app = key[0]
        if isinstance(op, ops.CreateModel):
            created.add(op.name_lower)
        elif isinstance(op, ops.AddField):
            field = op.field
            if not field.many_to_many and not field.null and not _has_db_default(field) \
                    and op.model_name_lower not in created:
                refuse(number, "add-not-null", f"{op.model_name}.{op.name}: NOT NULL で DB の既定値(db_default)のない列の"
                       "追加です。旧版の INSERT が失敗します。null=True で追加するか db_default を付けてください"
                       " (a NOT NULL column without db_default breaks the running release's inserts)")
        elif isinstance(op, ops.AlterField):
            model = state.models.get((app, op.model_name_lower))
            old = model.fields.get(op.name) if model is not None else None
            if old is not None:
                if old.null and not op.field.null:
                    refuse(number, "not-null", f"{op.model_name}.{op.name}: 列を NOT NULL にする変更です。旧版の書き込みが"
                           "失敗し、表を検査する間ロックします (making a column NOT NULL)")
                before, after = _db_type(old, connection), _db_type(op.field, connection)
                if before and after and before != after:
                    refuse(number, "type-change", f"{op.model_name}.{op.name}: 列の型が {before} から {after} に変わり、表が"
                           "排他ロックの下で書き直されます (a type change rewrites the table under lock)")
        elif isinstance(op, (ops.RemoveField, ops.DeleteModel)):
            what = f"{op.model_name}.{op.name}" if isinstance(op, ops.RemoveField) else op.name
            refuse(number, "remove", f"{what}: 削除です。旧版がまだ使っています。旧版が止まった後の contract の移行で"
                   "行ってください (the running release still uses it: remove in a contract migration)")
        elif isinstance(op, (ops.RenameField, ops.RenameModel)):
            refuse(number, "rename", f"{op.describe()}: 名前の変更です。旧版は古い名前で読み書きします (the running release"
                   " uses the old name)")
        elif isinstance(op, (AddIndexConcurrently, AddIndexWithoutLocking)):
            if getattr(migration, "atomic", True):
                refuse(number, "index-locks", f"{op.describe()}: CONCURRENTLY は atomic = False の移行でしか使えません"
                       " (a concurrent index needs a migration with atomic = False)")
        elif isinstance(op, (ops.AddIndex, ops.AddConstraint, ops.AlterUniqueTogether, ops.AlterIndexTogether)):
            model_name = getattr(op, "model_name_lower", None) or getattr(op, "name_lower", "")
            adds_unique = not isinstance(op, ops.AddConstraint) or op.constraint.__class__.__name__ == "UniqueConstraint"
            if model_name not in created and adds_unique:
                refuse(number, "index-locks", f"{op.describe()}: 既存の表への索引・一意制約の追加は書き込みを止めます。"
                       "atomic = False の移行で AddIndexWithoutLocking を使ってください"
                       " (CREATE INDEX blocks writes)")
        elif isinstance(op, ops.RunSQL):
            refuse(number, "raw-sql", "RunSQL は検査できません (raw SQL cannot be checked)")
        state = state.clone()
        op.state_forwards(app, state)
    return out


def check_migrations(keys: Iterable[tuple[str, str]], *, connection: Any = None) -> list[Problem]:
    """The problems of the migrations `keys` (app_label, name), each against the state before it."""
    from django.db import connection as default_connection
    from django.db.migrations.loader import MigrationLoader

    connection = connection or default_connection
    loader = MigrationLoader(None, ignore_no_migrations=True)
    problems: list[Problem] = []
    for key in keys:
        migration = loader.graph.nodes[key]
        state = loader.project_state(key, at_end=False)
        problems.extend(_problems_of(key, migration, state, connection))
    return problems


def pending(connection: Any = None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The migrations the database has not applied, in the order `migrate` would run them: those of apps
    the database already has (to check), and those of apps new to it (their tables do not exist yet, so
    no running release uses them)."""
    from django.db import connection as default_connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection or default_connection)
    applied_apps = {app for app, _ in executor.loader.applied_migrations}
    targets = executor.loader.graph.leaf_nodes()
    plan = [(m.app_label, m.name) for m, backwards in executor.migration_plan(targets) if not backwards]
    return [k for k in plan if k[0] in applied_apps], [k for k in plan if k[0] not in applied_apps]


def every() -> list[tuple[str, str]]:
    """Every migration of every app, in dependency order."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    seen: dict[tuple[str, str], None] = {}
    for leaf in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(leaf):
            seen.setdefault(key, None)
    return list(seen)
