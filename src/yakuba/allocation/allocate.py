"""One admission round end to end: the fast engine, and the exact method only where needed.

1. `engine`: household deferred acceptance and best responses — a stable allocation, fast.
2. Single children only: it is the largest (every stable allocation admits the same children).
3. With siblings: `prune` removes, by reasoning alone, every option no stable allocation uses.
   Households left with one outcome are *decided*: every stable allocation gives them that. On
   Saitama-like rounds of 10,000 children a handful of households stay undecided, and CP-SAT
   searches over them alone (a region), which certifies (or improves) the admitted count in
   well under a second. When none stays undecided, the stable allocation is the only one.
4. The engine went round in a cycle: pruning may prove at once that no stable allocation
   exists; otherwise CP-SAT solves the restless region, then the whole instance.
5. None exists: the fewest blocking coalitions, then the most children (§7.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from yakuba.allocation import engine, exact
from yakuba.allocation.check import check
from yakuba.allocation.model import Instance
from yakuba.allocation.prune import NoStableAllocation, Pruned, prune


@dataclass(frozen=True)
class Outcome:
    allocation: list[str | None]
    stable: bool
    maximal: bool
    """Proved to admit the most children among stable allocations."""
    method: str
    """How it was found: "deferred acceptance", "deferred acceptance + CP-SAT", "CP-SAT", …"""
    rounds: int


WHOLE_SEARCH_OPTIONS = 20_000
"""Up to this many household options, the fewest-blocking search covers the whole instance."""


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
        progress("きょうだいを含むため、最大性を確認しています (certifying: pruning, then CP-SAT on the rest)")
        allocation, proved, improved, how = _largest(instance, fast.allocation, effort)
        method = "deferred acceptance + CP-SAT" if improved else (
            f"deferred acceptance (certified by {how})" if proved else "deferred acceptance")
        return Outcome(allocation, True, proved, method, fast.rounds)
    try:
        progress("安定な割当てがあり得るかを確認しています (pruning)")
        prune(engine.State(instance))
    except NoStableAllocation:  # proved without a solver
        found, whole_status = None, "infeasible"
    else:
        progress("安定化しない部分を CP-SAT で解いています (solving the restless region with CP-SAT)")
        found, whole_status = _stabilise_regions(instance, fast, effort)
    if found is not None:
        if whole_status == "optimal":  # already the largest: the whole-instance search maximised it
            return Outcome(found, True, True, "deferred acceptance + CP-SAT", fast.rounds)
        progress("最大性を確認しています (certifying: pruning, then CP-SAT on the rest)")
        allocation, proved, _, _ = _largest(instance, found, effort)
        return Outcome(allocation, True, proved, "deferred acceptance + CP-SAT", fast.rounds)
    none_exists = whole_status == "infeasible"
    progress("安定な割当てがないため、阻止連合の少ない割当てを探しています (fewer blocking coalitions)")
    allocation = _fewest_blocking(instance, fast, effort)
    why = "no stable allocation exists (proved)" if none_exists else "no stable allocation found within the effort limit"
    return Outcome(allocation, False, False, f"CP-SAT ({why}; fewest blocking coalitions searched)", fast.rounds)


def _largest(instance: Instance, stable: list[str | None],
             effort: float) -> tuple[list[str | None], bool, bool, str]:
    """The largest stable allocation, starting from a stable one: (the largest found, whether it
    is proved the largest, whether it admits more than `stable`, what proved it).

    Pruning decides most households: every stable allocation gives them the same outcome. Only
    the undecided ones can differ, so CP-SAT searches over them alone (a region, §`exact`); when
    none is left, the stable allocation is the only one and nothing needs solving.
    """
    state = engine.State(instance)
    try:
        pruned = prune(state)
    except NoStableAllocation:  # cannot be: `stable` is one. Let the whole search judge.
        pruned = None
    undecided = _undecided(instance, pruned, stable) if pruned is not None else None
    if undecided is None:
        best = exact.solve(instance, stable_only=True, hint=stable, effort=effort)
    elif not undecided:
        return stable, True, False, "pruning: the only stable allocation"
    else:
        best = exact.solve(instance, stable_only=True, base=stable, free=undecided, hint=stable, effort=effort)
    proved = best.status == "optimal"
    how = "CP-SAT" if undecided is None else f"pruning + CP-SAT on {len(undecided)} households"
    if best.allocation is not None and best.admitted > sum(f is not None for f in stable):
        return best.allocation, proved, True, how
    return stable, proved, False, how


def _undecided(instance: Instance, pruned: Pruned, stable: list[str | None]) -> list[int] | None:
    """Households the pruning left undecided, or None if `stable` contradicts the pruning (a
    stable allocation always agrees with it; None sends the caller to the whole search)."""
    state = engine.State(instance)
    state.load(stable)
    undecided = []
    for h in range(len(instance.households)):
        held = state.choice[h]
        if (held is None and pruned.must_place[h]) or (held is not None and held not in pruned.alive[h]):
            return None
        if pruned.decided(h) is False:
            undecided.append(h)
    return undecided


def _stabilise_regions(instance: Instance, fast: engine.EngineResult,
                       effort: float) -> tuple[list[str | None] | None, str | None]:
    """CP-SAT on the households that kept moving (everyone else keeps their outcome); if that
    region has no stable completion, on the whole instance. Returns (a stable allocation or
    None, the whole-instance search's status, or None when the region sufficed)."""
    if fast.restless:
        local = exact.solve(instance, stable_only=True, base=fast.allocation, free=fast.restless,
                            hint=fast.allocation, effort=effort)
        if local.allocation is not None:
            return local.allocation, None
    whole = exact.solve(instance, stable_only=True, hint=fast.allocation, effort=effort)
    return whole.allocation, whole.status


def _fewest_blocking(instance: Instance, fast: engine.EngineResult, effort: float) -> list[str | None]:
    """No stable allocation: fewer blocking coalitions, moving only the restless households.

    Small instances are searched whole, so the result is the true minimum (then the most
    children). On large ones the search frees only the households of the cycle: a wider region
    costs minutes and, measured on 10,000 children, found nothing better. It is not proved to be
    the global minimum, and the summary says so.
    """
    free: set[int] | None = set(fast.restless)
    if sum(len(h.options) for h in instance.households) <= WHOLE_SEARCH_OPTIONS:
        free = None
    candidates = [fast.allocation]
    local = exact.solve(instance, stable_only=False, base=fast.allocation, free=free, hint=fast.allocation, effort=effort)
    if local.allocation is not None:
        candidates.append(local.allocation)

    def score(a: list[str | None]) -> tuple[int, int]:
        verdict = check(instance, a)
        return (len(verdict.blocking) if verdict.valid else 10**9, -verdict.admitted)

    return min(candidates, key=score)
