"""One admission round end to end: the fast engine, and the exact method only where needed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from yakuba.allocation import engine, exact
from yakuba.allocation.model import Instance


@dataclass(frozen=True)
class Outcome:
    allocation: list[str | None]
    stable: bool
    maximal: bool
    """Proved to admit the most children among stable allocations."""
    method: str
    """How it was found: "deferred acceptance", "deferred acceptance + CP-SAT", "CP-SAT", …"""
    rounds: int


def _singles_only(instance: Instance) -> bool:
    return all(len(h.members) == 1 for h in instance.households)


def allocate(instance: Instance, *, effort: float = 60.0,
             progress: Callable[[str], None] = lambda message: None) -> Outcome:
    """A stable allocation admitting the most children whenever one exists; otherwise the one
    with the fewest blocking coalitions, then the most children (contract §7.4)."""
    progress("受入保留方式で計算しています (deferred acceptance)")
    fast = engine.stable_allocation(instance)
    if fast.converged and _singles_only(instance):
        # Strict priorities, one child per household: every stable allocation admits the same
        # children (the "rural hospitals" theorem), so this one is already the largest.
        return Outcome(fast.allocation, True, True, "deferred acceptance", fast.rounds)
    if fast.converged:
        progress("きょうだいを含むため、最大性を CP-SAT で確認しています (certifying with CP-SAT)")
        best = exact.solve(instance, stable_only=True, hint=fast.allocation, effort=effort)
        admitted = sum(f is not None for f in fast.allocation)
        if best.allocation is not None and best.admitted > admitted:
            return Outcome(best.allocation, True, best.status == "optimal", "deferred acceptance + CP-SAT", fast.rounds)
        return Outcome(fast.allocation, True, best.status == "optimal", "deferred acceptance (certified by CP-SAT)"
                       if best.status == "optimal" else "deferred acceptance", fast.rounds)
    progress("安定化しない部分を CP-SAT で解いています (solving the restless region with CP-SAT)")
    found = _stabilise_regions(instance, fast, effort)
    if found is not None:
        progress("最大性を CP-SAT で確認しています (certifying with CP-SAT)")
        best = exact.solve(instance, stable_only=True, hint=found, effort=effort)
        if best.allocation is not None and best.admitted > sum(f is not None for f in found):
            found = best.allocation
        return Outcome(found, True, best.status == "optimal", "deferred acceptance + CP-SAT", fast.rounds)
    progress("安定な割当てがないため、阻止連合が最少の割当てを探しています (fewest blocking coalitions)")
    least = exact.solve(instance, stable_only=False, hint=fast.allocation, effort=effort)
    allocation = least.allocation if least.allocation is not None else fast.allocation
    return Outcome(allocation, False, False, "CP-SAT (fewest blocking coalitions)", fast.rounds)


def _stabilise_regions(instance: Instance, fast: engine.EngineResult, effort: float) -> list[str | None] | None:
    """Free the households that kept moving, then their neighbours, … until CP-SAT finds a
    stable allocation that keeps everyone else as they are (None: no stable allocation)."""
    free = set(fast.restless)
    everyone = set(range(len(instance.households)))
    state = engine.State(instance)
    state.load(fast.allocation)
    while True:
        result = exact.solve(instance, stable_only=True, base=fast.allocation, free=free if free != everyone else None,
                             hint=fast.allocation, effort=effort)
        if result.allocation is not None:
            return result.allocation
        if free == everyone:
            return None
        region = {g.cls for h in free for groups in state.groups[h] for g in groups}
        free = {h for h in everyone if h in free or any(g.cls in region for groups in state.groups[h] for g in groups)}
