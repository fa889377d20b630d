"""Pruning removes only options that no stable allocation uses: brute force is the judge."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from tests.allocation.strategies import example_9, instances, make_instance, random_instance
from yakuba.allocation import brute, exact
from yakuba.allocation.allocate import _largest, allocate
from yakuba.allocation.check import check
from yakuba.allocation.engine import State, stable_allocation
from yakuba.allocation.prune import NoStableAllocation, prune

FAST = settings(max_examples=int(os.environ.get("YAKUBA_HYPOTHESIS_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def _outcome(instance, h: int, allocation) -> int | None:  # type: ignore[no-untyped-def]
    held = tuple(allocation[c] for c in instance.households[h].members)
    if all(f is None for f in held) and held not in instance.households[h].options:
        return None
    return instance.households[h].options.index(held)


@FAST
@given(instances(max_children=6, max_facilities=3))
def test_it_keeps_every_option_a_stable_allocation_uses(instance) -> None:  # type: ignore[no-untyped-def]
    stable = list(brute.stable_allocations(instance))
    try:
        pruned = prune(State(instance))
    except NoStableAllocation:
        assert stable == []
        return
    for allocation in stable:
        for h in range(len(instance.households)):
            outcome = _outcome(instance, h, allocation)
            if outcome is None:
                assert not pruned.must_place[h], (h, allocation, pruned)
            else:
                assert outcome in pruned.alive[h], (h, allocation, pruned)


def test_it_decides_the_contracts_example() -> None:
    instance = example_9()
    pruned = prune(State(instance))
    allocation = ["102", "102", "101", None]
    for h in range(len(instance.households)):
        decided = pruned.decided(h)
        if decided is not False:
            assert decided == _outcome(instance, h, allocation)


@FAST
@given(instances(max_children=6, max_facilities=3, max_household=1))
def test_what_it_decides_for_single_children_holds_in_every_stable_allocation(instance) -> None:  # type: ignore[no-untyped-def]
    """With single children every stable allocation admits the same children; whatever the
    rules decide must be what brute force finds."""
    stable = list(brute.stable_allocations(instance))
    pruned = prune(State(instance))
    for h in range(len(instance.households)):
        decided = pruned.decided(h)
        if decided is not False:
            assert {_outcome(instance, h, a) for a in stable} == {decided}


@FAST
@given(instances(max_children=8, max_facilities=3, max_capacity=3))
def test_waking_only_what_can_change_reaches_the_same_fixpoint(instance) -> None:  # type: ignore[no-untyped-def]
    try:
        quick = prune(State(instance))
    except NoStableAllocation:
        quick = None
    try:
        thorough = prune(State(instance), thorough=True)
    except NoStableAllocation:
        thorough = None
    assert quick == thorough


@pytest.mark.parametrize(("seed", "children", "facilities", "options"),
                         [(2, 300, 30, 40), (4, 300, 30, 40), (2, 400, 40, 20), (6, 400, 40, 20), (1, 300, 20, 10)])
def test_certifying_through_pruning_agrees_with_the_whole_search(seed: int, children: int, facilities: int,
                                                                 options: int) -> None:
    """With siblings (some of these leave dozens of households undecided, some none): the
    largest stable allocation found by pruning and a region search admits as many as CP-SAT
    over the whole instance proves possible."""
    instance = random_instance(seed, children, facilities, max_options=options)
    fast = stable_allocation(instance)
    assert fast.converged
    allocation, proved, _, how = _largest(instance, fast.allocation, effort=30.0)
    whole = exact.solve(instance, stable_only=True, hint=fast.allocation, effort=30.0)
    assert proved and whole.status == "optimal"
    assert "pruning" in how
    verdict = check(instance, allocation)
    assert verdict.stable and verdict.admitted == whole.admitted


def test_pruning_proves_that_no_stable_allocation_exists() -> None:
    """Found by random search, judged by brute force: siblings A1, A2 who want one seat at
    102 for one of them, and two single children; every allocation has a blocking coalition."""
    instance = make_instance(
        {"101": {0: 1}, "102": {0: 1}},
        [("A1", "HA", 0, 3, ["102"]), ("A2", "HA", 0, 0, ["101"]), ("B1", "HB", 0, 0, ["101"]),
         ("C1", "HC", 0, 2, ["102", "101"])],
        {"HA": [(None, "102"), ("102", None)]},
    )
    assert brute.stable_allocations(instance) == []
    with pytest.raises(NoStableAllocation):
        prune(State(instance))
    outcome = allocate(instance)
    assert not outcome.stable and "proved" in outcome.method
