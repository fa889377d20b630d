"""The allocation engine (利用調整の計算): a stable allocation, found fast.

1. Deferred acceptance with households: every household applies to its best option that it can
   take now — where, in each class the option uses, its k children and the m children of other
   households ranking above its lowest child fit (m + k ≤ seats, the contract's §7.2 test);
   children ranking below are pushed out, and their households apply again further down their
   lists. For single children this is the classic child-proposing deferred acceptance, whose
   result is stable and admits the same children as every stable allocation.
2. Households make thresholds fall when they move (a sibling pushed out takes its brothers and
   sisters with it), so the result is then scanned for blocking coalitions; each blocking
   household takes its best option that it can take, and the cascade runs again, until none is
   left or a round limit is hit (then `exact` takes over, see `allocate`).

Everything is deterministic: households are processed in a fixed order, ties never arise
(priorities are strict by row order).
"""

from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

from yakuba.allocation.model import Instance

Key = tuple[int, int, int]
ClassId = tuple[str, int]


class _Group(NamedTuple):
    """The children an option places in one class: their keys (sorted) and the lowest-ranked
    one's. A named tuple: there are one or more per option, and options number in the 100,000s."""

    cls: ClassId
    keys: tuple[Key, ...]
    worst: Key


def option_groups(inst: Instance) -> list[list[tuple[_Group, ...]]]:
    """Per household, per option, the groups it places in each class. Computed once per
    instance (every `State` of it shares the lists, which nobody changes)."""
    cached = inst.cache.get("option_groups")
    if cached is not None:
        return cached
    out = []
    priority = inst.priority
    for h in inst.households:
        per_option = []
        for option in h.options:
            by_class: dict[ClassId, list[Key]] = {}
            for member, facility in zip(h.members, option):
                if facility is None:
                    continue
                by_class.setdefault((facility, inst.children[member].age), []).append(priority(member, facility))
            per_option.append(tuple(
                _Group(cls, tuple(sorted(keys)), max(keys)) for cls, keys in sorted(by_class.items())
            ))
        out.append(per_option)
    inst.cache["option_groups"] = out
    return out


@dataclass
class State:
    """Who holds which seat: per class, the sorted priority keys of the admitted children."""

    instance: Instance
    groups: list[list[tuple[_Group, ...]]] = field(init=False)
    admitted: dict[ClassId, list[Key]] = field(default_factory=dict)
    choice: list[int | None] = field(init=False)
    """The option index each household holds, or None."""

    def __post_init__(self) -> None:
        self.choice = [None] * len(self.instance.households)
        self.groups = option_groups(self.instance)

    # --- the §7.2 test, with the household's own seats released -------------------------------

    def fits(self, h: int, option: int) -> bool:
        for g in self.groups[h][option]:
            taken = self.admitted.get(g.cls, ())
            m = bisect.bisect_left(taken, g.worst) - self._own_above(h, g)
            if m + len(g.keys) > self.instance.seats(*g.cls):
                return False
        return True

    def _own_above(self, h: int, group: _Group) -> int:
        """The household's own children now admitted in the class and ranked above `group.worst`."""
        current = self.choice[h]
        if current is None:
            return 0
        for own in self.groups[h][current]:
            if own.cls == group.cls:
                return bisect.bisect_left(own.keys, group.worst)
        return 0

    # --- moves ----------------------------------------------------------------------------------

    def withdraw(self, h: int) -> None:
        current = self.choice[h]
        if current is None:
            return
        for g in self.groups[h][current]:
            taken = self.admitted[g.cls]
            for key in g.keys:
                del taken[bisect.bisect_left(taken, key)]
        self.choice[h] = None

    def take(self, h: int, option: int) -> list[tuple[int, int]]:
        """Give household h the option; returns (household, option it lost) for each one pushed out."""
        self.withdraw(h)
        self.choice[h] = option
        pushed: list[tuple[int, int]] = []
        household_of = self.instance.household_of
        for g in self.groups[h][option]:
            taken = self.admitted.setdefault(g.cls, [])
            for key in g.keys:
                bisect.insort(taken, key)
            seats = self.instance.seats(*g.cls)
            while len(taken) > seats:
                loser = household_of[taken[-1][2]]
                assert loser != h, "a household never pushes out its own children"
                lost = self.choice[loser]
                assert lost is not None
                self.withdraw(loser)
                pushed.append((loser, lost))
        return pushed

    def load(self, allocation: list[str | None]) -> None:
        """Take an allocation's outcomes (each household's option, found by its members' places)."""
        for h, household in enumerate(self.instance.households):
            self.withdraw(h)
            held = tuple(allocation[c] for c in household.members)
            for i, option in enumerate(household.options):
                if option == held:
                    self.take(h, i)
                    break

    def admitted_above(self, h: int, cls: ClassId, worst: Key) -> int:
        """m of §7.2: children of other households admitted in the class ranking above `worst`."""
        taken = self.admitted.get(cls, ())
        return bisect.bisect_left(taken, worst) - self._own_above(h, _Group(cls, (), worst))

    def allocation(self) -> list[str | None]:
        out: list[str | None] = [None] * len(self.instance.children)
        for h, option in zip(self.instance.households, self.choice):
            if option is not None:
                for member, facility in zip(h.members, h.options[option]):
                    out[member] = facility
        return out


@dataclass(frozen=True)
class EngineResult:
    allocation: list[str | None]
    rounds: int
    converged: bool
    """True when the last scan found no household that could improve (a stable allocation)."""
    restless: frozenset[int] = frozenset()
    """Households that still wanted to move in the last rounds (where a cycle lives)."""


def _cascade(state: State, queue: deque[int], start: list[int]) -> None:
    """Each queued household takes its first option from `start[h]` on that it can take now.

    A household pushed out of an option resumes just below it: the class that pushed it out
    only got fuller (the classic deferred-acceptance step).
    """
    households = state.instance.households
    while queue:
        h = queue.popleft()
        chosen = next((i for i in range(start[h], len(households[h].options)) if state.fits(h, i)), None)
        if chosen is None:
            state.withdraw(h)
            continue
        if state.choice[h] == chosen:
            continue
        for loser, lost in state.take(h, chosen):
            start[loser] = lost + 1
            queue.append(loser)


def improvers(state: State) -> list[tuple[int, int]]:
    """(household, best option it could take now) for every household that could do better."""
    out = []
    inst = state.instance
    for h in range(len(inst.households)):
        limit = state.choice[h] if state.choice[h] is not None else len(inst.households[h].options)
        for i in range(limit):
            if state.fits(h, i):
                out.append((h, i))
                break
    return out


def stable_allocation(instance: Instance, *, max_rounds: int = 200,
                      progress: Callable[[int, int], None] | None = None) -> EngineResult:
    """Deferred acceptance, then rounds of best responses until no household can improve."""
    state = State(instance)
    n = len(instance.households)
    start = [0] * n
    # Households apply in the order of their first row: deterministic, and the outcome of plain
    # deferred acceptance does not depend on it anyway.
    queue: deque[int] = deque(sorted(range(n), key=lambda h: min(instance.households[h].members)))
    rounds = 0
    first_seen: dict[int, int] = {}
    restless: set[int] = set()
    stop_at: int | None = None
    while True:
        _cascade(state, queue, start)
        rounds += 1
        better = improvers(state)
        if progress is not None:
            progress(rounds, len(better))
        if not better:
            return EngineResult(state.allocation(), rounds, True)
        # The same state again means the best responses go round in a cycle: go once more round
        # it to collect the households that keep moving, then stop.
        signature = hash(tuple(state.choice))
        if stop_at is None and signature in first_seen:
            stop_at = rounds + (rounds - first_seen[signature])
        first_seen.setdefault(signature, rounds)
        if stop_at is not None or rounds > max_rounds - 10:
            restless.update(h for h, _ in better)
        if rounds >= max_rounds or (stop_at is not None and rounds >= stop_at):
            return EngineResult(state.allocation(), rounds, False, frozenset(restless))
        for h, i in better:
            start[h] = i
            queue.append(h)
