"""Migration operations that never lock a busy table (for upgrades without stopping the office).

`AddIndexWithoutLocking`: on PostgreSQL ``CREATE INDEX CONCURRENTLY`` (reads and writes go on while
it builds; the migration must be ``atomic = False``), elsewhere (SQLite) a plain ``CREATE INDEX``.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _without_locking(schema_editor: Any, method: str, model: Any, index: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        getattr(schema_editor, method)(model, index, concurrently=True)
    else:
        getattr(schema_editor, method)(model, index)


class AddIndexWithoutLocking(migrations.AddIndex):
    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            _without_locking(schema_editor, "add_index", model, self.index)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            _without_locking(schema_editor, "remove_index", model, self.index)

    def describe(self) -> str:
        return super().describe() + " (without locking the table)"
