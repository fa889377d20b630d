"""The brute-force oracle: §9, an instance without any stable allocation, the size guard, and
agreement with an independent enumeration and with deferred acceptance on single children."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings

from yakuba.allocation import brute
from yakuba.allocation.check import check
from yakuba.allocation.model import Instance

from .strategies import example_9, instances, make_instance


def test_example_9_the_only_stable_result():
    inst = example_9()
    expected = ("102", "102", "101", None)
    assert brute.stable_allocations(inst) == [expected]
    assert brute.best_stable(inst) == (3, [expected])
    assert brute.min_blocking(inst) == (0, 3, [expected])
    valid = list(brute.enumerate_allocations(inst))
    assert expected in valid
    assert ("101", "101", "101", "102") not in valid  # over capacity at (101, 1)


def no_stable_instance() -> Instance:
    """Every child is a transfer applicant and no seat is vacant. t attends B and wishes A.
    Siblings u (attends B, wishes A) and v (attends A, wishes B) would rather swap: (A, B), else stay.

    - Everyone stays: the siblings can swap, releasing their own seats (blocking).
    - The siblings swap: u holds A's only seat, and t (an earlier row, same points) outranks u
      at A, with t's own seat at B released (blocking).
    """
    return make_instance(
        {"A": {}, "B": {}},
        [
            ("t", "T", 0, 0, ["A"], "B"),
            ("u", "S", 0, 0, ["A"], "B"),
            ("v", "S", 0, 0, ["B"], "A"),
        ],
        {"S": [("A", "B"), ("B", "A")]},
    )


def test_an_instance_without_a_stable_allocation():
    inst = no_stable_instance()
    assert list(brute.enumerate_allocations(inst)) == [("B", "A", "B"), ("B", "B", "A")]
    assert brute.stable_allocations(inst) == []
    assert brute.best_stable(inst) is None
    assert brute.min_blocking(inst) == (1, 3, [("B", "A", "B"), ("B", "B", "A")])
    assert [(c.household, c.option_index) for c in check(inst, ("B", "B", "A")).blocking] == [("S", 0)]
    assert [(c.household, c.option_index) for c in check(inst, ("B", "A", "B")).blocking] == [("T", 0)]


def test_min_blocking_prefers_more_admitted_on_equal_blocking():
    # One seat, two children of equal points: whoever is admitted, the allocation is stable;
    # leaving the seat empty is blocked twice.
    inst = make_instance({"A": {1: 1}}, [("x", "h1", 1, 5, ["A"]), ("y", "h2", 1, 9, ["A"])])
    assert brute.best_stable(inst) == (1, [(None, "A")])
    assert brute.min_blocking(inst) == (0, 1, [(None, "A")])


def test_the_guard_refuses_large_instances():
    inst = make_instance(
        {"A": {1: 1}, "B": {1: 1}, "C": {1: 1}},
        [(f"c{n}", f"h{n}", 1, n, ["A", "B", "C"]) for n in range(9)],
    )
    assert brute.combinations(inst) == 4**9
    with pytest.raises(brute.TooLarge):
        brute.best_stable(inst)
    with pytest.raises(brute.TooLarge):
        list(brute.enumerate_allocations(inst, limit=1000))


# --- properties -----------------------------------------------------------------------------


def independent_enumeration(inst: Instance) -> list[tuple]:
    """Every combination of household outcomes, including disallowed ones; `check` keeps the
    valid ones."""
    per_household = [[*h.options, (None,) * len(h.members)] for h in inst.households]
    found = set()
    for combo in itertools.product(*per_household):
        alloc: list[str | None] = [None] * len(inst.children)
        for h, p in zip(inst.households, combo):
            for i, d in zip(h.members, p):
                alloc[i] = d
        if check(inst, alloc).valid:
            found.add(tuple(alloc))
    return sorted(found, key=repr)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(min_children=3, max_children=6, max_facilities=3))
def test_brute_agrees_with_an_independent_enumeration(inst):
    valid = list(brute.enumerate_allocations(inst))
    assert len(set(valid)) == len(valid)
    assert sorted(valid, key=repr) == independent_enumeration(inst)
    stable = brute.stable_allocations(inst)
    assert stable == [a for a in valid if check(inst, a).stable]
    best = brute.best_stable(inst)
    fallback = brute.min_blocking(inst)
    assert fallback is not None  # everyone staying or left out is always valid here
    if best is None:
        assert stable == [] and fallback[0] > 0
    else:
        admitted, allocations = best
        assert admitted == max(sum(d is not None for d in a) for a in stable)
        assert all(check(inst, a).stable and check(inst, a).admitted == admitted for a in allocations)
        assert fallback == (0, admitted, allocations)


def deferred_acceptance(inst: Instance) -> tuple[str | None, ...]:
    """Child-proposing deferred acceptance for single children; classes (d, g) hold seats(d, g)
    children, the highest priority first (§6)."""
    children = inst.children
    options = {h.members[0]: [p[0] for p in h.options] for h in inst.households}
    nxt = {i: 0 for i in options}
    held: dict[tuple[str, int], list[int]] = {}
    free = sorted(options)
    while free:
        i = free.pop()
        if nxt[i] >= len(options[i]):
            continue
        d = options[i][nxt[i]]
        nxt[i] += 1
        cls = (d, children[i].age)
        held.setdefault(cls, []).append(i)
        held[cls].sort(key=lambda j: inst.priority(j, d))
        while len(held[cls]) > inst.seats(*cls):
            free.append(held[cls].pop())
    alloc: list[str | None] = [None] * len(children)
    for (d, _), members in held.items():
        for i in members:
            alloc[i] = d
    return tuple(alloc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(min_children=3, max_children=7, max_facilities=3, max_household=1))
def test_single_children_always_have_a_stable_allocation(inst):
    """Strict priorities and no siblings: the stable allocations exist, the child-optimal one is
    deferred acceptance's, and every stable allocation admits the same children (the rural
    hospitals theorem)."""
    stable = brute.stable_allocations(inst)
    assert stable
    da = deferred_acceptance(inst)
    assert da in stable
    rank = {h.members[0]: {p[0]: n for n, p in enumerate(h.options)} for h in inst.households}
    for a in stable:
        for i, d in enumerate(a):
            if d is not None:
                assert da[i] is not None and rank[i][da[i]] <= rank[i][d]
    admitted = {frozenset(i for i, d in enumerate(a) if d is not None) for a in stable}
    assert len(admitted) == 1
    assert brute.best_stable(inst)[0] == sum(d is not None for d in da)
