"""Explanations agree with the result and reveal nothing about small classes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.allocation.strategies import example_9, instances, random_instance
from yakuba.allocation.allocate import allocate
from yakuba.allocation.explain import MIN_FOR_CUTOFF, REASONS, as_json, explain


def _check_agreement(instance, allocation) -> None:  # type: ignore[no-untyped-def]
    notes = explain(instance, allocation)
    assert [e.child_id for e in notes] == [c.id for c in instance.children]
    for i, (child, e) in enumerate(zip(instance.children, notes)):
        assert e.facility == allocation[i]
        if e.status == "placed":
            assert e.wish_rank == child.rank_of(allocation[i])
            assert len(e.wishes) == e.wish_rank - 1
        for note in e.wishes:
            assert note.reason in REASONS
            admitted = sorted(
                instance.priority(j, note.facility) for j, f in enumerate(allocation)
                if f == note.facility and instance.children[j].age == child.age
            )
            assert note.admitted == len(admitted)
            assert note.seats == instance.seats(note.facility, child.age)
            if note.cutoff is not None:
                assert len(admitted) >= MIN_FOR_CUTOFF
                # the cut-off is the lowest admitted priority of that class
                assert note.cutoff.points == -admitted[-1][1]
                assert note.cutoff.tie_decided_by_order == (note.cutoff.points == child.points_at(note.facility))
            elif note.reason == "filled_by_higher_priority" and len(admitted) >= MIN_FOR_CUTOFF:
                assert admitted[-1][0] == 0  # only enrolled children hide the cut-off
            if note.reason in ("filled_by_higher_priority", "enrolled_first"):
                assert note.admitted >= note.seats and admitted[-1] < instance.priority(i, note.facility)
        assert e.text


def test_the_contracts_example_is_explained() -> None:
    instance = example_9()
    notes = {e.child_id: e for e in explain(instance, ["102", "102", "101", None])}
    assert notes["2002"].wishes[0].reason == "filled_by_higher_priority"
    assert notes["2001"].wishes[0].reason == "sibling_condition"
    assert notes["2004"].status == "waiting" and "保留" in notes["2004"].text
    assert notes["2003"].wish_rank == 1 and notes["2003"].wishes == []
    # fewer than three admitted: no cut-off, so nobody's points leak
    assert all(n.cutoff is None for e in notes.values() for n in e.wishes)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_children=6, max_facilities=3))
def test_explanations_agree_with_the_result(instance) -> None:  # type: ignore[no-untyped-def]
    _check_agreement(instance, allocate(instance, effort=5.0).allocation)


def test_cut_offs_appear_in_large_classes_and_agree() -> None:
    instance = random_instance(11, 600, 12, sibling_rate=0.0)
    allocation = allocate(instance).allocation
    _check_agreement(instance, allocation)
    doc = as_json(explain(instance, allocation))
    assert doc["schema"] == "yakuba-allocation-explanation/1"
    assert any(n["cutoff"] for c in doc["children"] for n in c["wishes"])
