from __future__ import annotations

import pytest
from django.db import connection

from yakuba.audit.log import record, verify
from yakuba.audit.models import AuditEntry


def _alter(seq: int, column: str, value: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"UPDATE audit_auditentry SET {column} = %s WHERE seq = %s", [value, seq])


@pytest.mark.django_db
@pytest.mark.smoke
def test_it_verifies_an_intact_chain() -> None:
    for i in range(5):
        record("test.event", target_type="thing", target_id=i)
    result = verify()
    assert result.ok, result.message()
    assert result.verdict.checked == 5
    assert result.message().startswith("OK")


@pytest.mark.django_db
def test_each_entry_carries_the_previous_hash() -> None:
    a = record("test.a")
    b = record("test.b")
    assert b.seq == a.seq + 1
    assert b.prev_hash == a.hash
    assert a.hash != b.hash


@pytest.mark.django_db
@pytest.mark.parametrize("column,value", [("action", "test.other"), ("target_id", "7"), ("hash", "f" * 64), ("categories", '["income"]')])
def test_it_names_the_altered_entry(column: str, value: str) -> None:
    for i in range(6):
        record("test.event", target_type="thing", target_id=i)
    _alter(4, column, value)
    result = verify()
    assert not result.ok
    assert result.verdict.first_broken == 4
    assert "4" in result.message()


@pytest.mark.django_db
@pytest.mark.parametrize("removed", [2, 4])
def test_it_finds_a_removed_entry_in_the_middle_and_at_the_end(removed: int) -> None:
    for i in range(4):
        record("test.event", target_id=i)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditentry WHERE seq = %s", [removed])
    result = verify()
    assert not result.ok and result.verdict.first_broken == removed


@pytest.mark.django_db
def test_it_refuses_to_update_or_delete_through_the_orm() -> None:
    entry = record("test.event")
    entry.action = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    assert AuditEntry.objects.get(seq=entry.seq).action == "test.event"


@pytest.mark.django_db(transaction=True)
def test_it_rolls_back_with_the_action() -> None:
    from django.db import transaction

    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            record("test.never")
            1 / 0
    assert not AuditEntry.objects.filter(action="test.never").exists()
    assert verify().ok
