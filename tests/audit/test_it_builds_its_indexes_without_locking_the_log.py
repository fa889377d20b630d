"""The audit log's indexes for the read counts are added without locking the log: on PostgreSQL
with CREATE INDEX CONCURRENTLY (outside a transaction), so a running office keeps writing entries."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_it_works() -> None:
    out = io.StringIO()
    call_command("sqlmigrate", "audit", "0002", stdout=out)
    sql = out.getvalue()
    assert sql.count("CREATE INDEX") == 2
    if connection.vendor == "postgresql":
        assert sql.count("CREATE INDEX CONCURRENTLY") == 2 and "BEGIN" not in sql
    indexes = connection.introspection.get_constraints(connection.cursor(), "audit_auditentry")
    columns = {tuple(c["columns"]) for c in indexes.values() if c["index"]}
    assert ("actor_id", "at") in columns and ("action", "at") in columns
