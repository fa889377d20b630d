"""The engine against the contract: on tiny instances brute force is the judge."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.allocation.strategies import example_9, instances, random_instance
from yakuba.allocation import brute
from yakuba.allocation.allocate import allocate
from yakuba.allocation.check import check
from yakuba.allocation.engine import stable_allocation
from yakuba.allocation.sequential import compare, sequential_allocation

FAST = settings(max_examples=int(__import__("os").environ.get("YAKUBA_HYPOTHESIS_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_it_finds_the_contracts_example() -> None:
    outcome = allocate(example_9())
    assert outcome.allocation == ["102", "102", "101", None]
    assert outcome.stable and outcome.maximal


@FAST
@given(instances(max_children=6, max_facilities=3))
def test_it_is_valid_and_stable_and_maximal_whenever_a_stable_allocation_exists(instance) -> None:  # type: ignore[no-untyped-def]
    outcome = allocate(instance, effort=5.0)
    verdict = check(instance, outcome.allocation)
    assert verdict.valid, verdict.problems
    best = brute.best_stable(instance)
    if best is None:
        assert not outcome.stable
        fewest, most, _ = brute.min_blocking(instance)
        assert len(verdict.blocking) == fewest
        assert verdict.admitted == most
    else:
        assert verdict.stable, [str(c) for c in verdict.blocking]
        assert verdict.admitted == best[0]


@FAST
@given(instances(max_children=6, max_facilities=3, max_household=1))
def test_single_children_need_no_cp_sat(instance) -> None:  # type: ignore[no-untyped-def]
    outcome = allocate(instance)
    assert outcome.method == "deferred acceptance" and outcome.stable and outcome.maximal
    assert check(instance, outcome.allocation).stable


@FAST
@given(instances(max_children=6, max_facilities=3))
def test_it_is_deterministic(instance) -> None:  # type: ignore[no-untyped-def]
    assert allocate(instance, effort=5.0).allocation == allocate(instance, effort=5.0).allocation


@FAST
@given(instances(max_children=6, max_facilities=3))
def test_the_sequential_procedure_is_valid(instance) -> None:  # type: ignore[no-untyped-def]
    allocation = sequential_allocation(instance)
    assert check(instance, allocation).valid
    diff = compare(instance, allocate(instance, effort=5.0).allocation, allocation)
    assert len(diff.better) + len(diff.worse) + diff.same == len(instance.children)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_is_stable_on_larger_random_instances(seed: int) -> None:
    instance = random_instance(seed, 400, 20)
    result = stable_allocation(instance)
    verdict = check(instance, result.allocation)
    assert verdict.valid, verdict.problems[:3]
    if result.converged:
        assert verdict.stable


@FAST
@given(instances(max_children=6, max_facilities=3), st.data())
def test_a_region_search_keeps_the_rest_and_returns_only_stable_allocations(instance, data) -> None:  # type: ignore[no-untyped-def]
    from yakuba.allocation import exact

    valid = list(brute.enumerate_allocations(instance))
    base = list(data.draw(st.sampled_from(valid)))
    # The region must hold every household that blocks in the base (the engine's restless set
    # does): the others are then untouched and stay unblocked.
    blocking_ids = {c.household for c in check(instance, base).blocking}
    free = data.draw(st.sets(st.integers(0, len(instance.households) - 1)))
    free |= {h for h, hh in enumerate(instance.households) if hh.id in blocking_ids}
    result = exact.solve(instance, stable_only=True, base=base, free=free, effort=5.0)
    stable_here = [a for a in brute.stable_allocations(instance)
                   if all(a[c] == base[c] for h, hh in enumerate(instance.households) if h not in free for c in hh.members)]
    if result.allocation is None:
        assert result.status == "infeasible" and not stable_here
    else:
        assert check(instance, result.allocation).stable
        assert list(result.allocation) in [list(a) for a in stable_here]
        assert result.admitted == max(sum(f is not None for f in a) for a in stable_here)
