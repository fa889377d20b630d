"""No command line and no tampering with the log's rows makes `yakuba audit verify` crash (exit 70
or a traceback): an entry's field set to anything, an entry deleted or its number changed is named
in one line (exit 1); random options are a usage error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.badinput.helpers import argv_strategy, yakuba
from yakuba.audit.log import record
from yakuba.audit.models import AuditEntry

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FIELDS = {
    "action": st.text(max_size=60), "actor_id": st.one_of(st.none(), st.integers(-2**63, 2**63 - 1)),
    "actor_role": st.text(max_size=30), "organisation": st.text(max_size=40), "target_id": st.text(max_size=80),
    "categories": st.lists(st.text(max_size=8), max_size=3), "detail": st.dictionaries(st.text(max_size=5),
                                                                                       st.integers(), max_size=3),
    "prev_hash": st.text("0123456789abcdef", max_size=64), "hash": st.text("0123456789abcdefg", min_size=1, max_size=64),
    "seq": st.integers(-10, 10**12),
}


@pytest.fixture
def log(db):  # type: ignore[no-untyped-def]
    for n in range(5):
        record("test.entry", target_type="test", target_id=str(n), detail={"n": n})
    return list(AuditEntry.objects.order_by("seq").values_list("pk", flat=True))


@SETTINGS
@given(argv=argv_strategy(["verify", "--json", "-v"]))
def test_it_works(log, argv: list[str]) -> None:  # type: ignore[no-untyped-def]
    ran = yakuba("audit", *argv)
    assert not ran.crashed, ran.err


@SETTINGS
@given(which=st.integers(0, 4), field=st.sampled_from(sorted(FIELDS) + ["delete"]), data=st.data())
def test_a_tampered_entry_is_named_in_one_line(log, which: int, field: str, data) -> None:  # type: ignore[no-untyped-def]
    pk = log[which]
    before = AuditEntry.objects.get(pk=pk)
    if field == "delete":
        AuditEntry.objects.filter(pk=pk).delete()
        changed = True
    else:
        value = data.draw(FIELDS[field])
        if field == "hash" and AuditEntry.objects.filter(hash=value).exclude(pk=pk).exists():
            return
        if field == "seq" and AuditEntry.objects.filter(seq=value).exclude(pk=pk).exists():
            return
        AuditEntry.objects.filter(pk=pk).update(**{field: value})
        changed = getattr(AuditEntry.objects.get(pk=pk), field) != getattr(before, field)
    try:
        ran = yakuba("audit", "verify")
        assert not ran.crashed, ran.err
        if changed:  # the newest entry gone too: the chain head names the cut tail
            assert ran.code == 1 and ran.one_line, (field, ran.out, ran.err)
    finally:  # put the entry back as it was (rows, not the append-only model's save)
        if field == "delete":
            AuditEntry.objects.bulk_create([before])
        else:
            AuditEntry.objects.filter(pk=pk).update(**{field: getattr(before, field)})
    assert yakuba("audit", "verify").code == 0
