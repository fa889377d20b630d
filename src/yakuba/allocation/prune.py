"""Options that no stable allocation can use, found by reasoning alone (no solver).

Two rules, applied until neither changes anything. Both follow from the contract's definitions
(§7.1 capacity, §7.2 blocking), so every option they remove is absent from *every* stable
allocation, and the exact method may leave it out of its model.

A. **Guaranteed.** Household h blocks with option i unless it has option i or better, or some
   class of option i is full of other households' children ranking above h's lowest child there
   (m ≥ seats − k + 1). If, in some class of option i, even every other child who could still be
   admitted there does not reach that count, that class can never close to h — and if that holds
   for every class of option i, h holds option i or better in every stable allocation: its worse
   options go, and so does "nobody admitted".
B. **Full.** A child is *certain* in a class when its household must be placed and every option
   it has left puts that child there. An option that needs more seats in a class than the
   certain children of other households leave is infeasible.
C. **Cut-off.** A single child whose options above class c are all gone gets c or worse. If a
   class with s seats has at least s such children, a child ranking below the s-th of them can
   never sit there: it would leave one of them outside c, and that one would block.

The rules feed each other: fewer options shrink the set of children who could fill a class (A),
make children certain (B) and push single children down their lists (C). For single children, C
is deferred acceptance from the children's side and A from the facilities' side: together the
classic reduction of preference lists to the stable ones. With siblings they remove less, and
CP-SAT decides the rest.

Pure: no Django.
"""

from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass

from yakuba.allocation.engine import State


@dataclass(frozen=True)
class Pruned:
    alive: list[tuple[int, ...]]
    """Per household, the option indices some stable allocation might still use, best first."""
    must_place: list[bool]
    """Per household: "nobody admitted" is not an outcome of any stable allocation."""

    def decided(self, h: int) -> int | None | bool:
        """The option every stable allocation gives h, None for "nobody admitted" in every one,
        or False when it is not decided."""
        options = self.alive[h]
        if len(options) == 1 and self.must_place[h]:
            return options[0]
        if not options:
            return None
        return False


_FIRST = (-1, 0, 0)  # ranks before every priority key (keys start with 0 or 1)
_LAST = (2, 0, 0)  # ranks after every priority key


class NoStableAllocation(Exception):
    """The rules left a household nothing to hold although it must be placed."""


def prune(state: State, *, thorough: bool = False) -> Pruned:
    """Remove options that no stable allocation uses (rules A, B and C above), to a fixpoint.

    A household is looked at again only when something its rules read has changed in a way
    that can change their answer (a class's count moving across its threshold). `thorough`
    looks at every applicant of a class on any change instead: slower, same result (the rules
    only ever remove, so the fixpoint does not depend on the order); the tests compare them.

    Raises `NoStableAllocation` when a household is left with no outcome at all.
    """
    inst = state.instance
    households = inst.households
    groups = state.groups
    n = len(households)
    alive: list[list[int]] = [list(range(len(h.options))) for h in households]
    must = [not h.may_be_unplaced for h in households]
    single = [len(h.members) == 1 for h in households]

    # Per class: `could`, the sorted keys of children who could still be admitted there, with
    # `uses` counting the live options that seat each; `applicants`, every (key, household)
    # with an option there, live or not (stability looks at every option); the seats; and
    # `widest`, the most children one household has there over all its options (bounds both a
    # group's size and the household's own children above it, so how far a count can be from
    # mattering).
    uses: dict[tuple, dict[tuple, int]] = {}
    applicants: dict[tuple, list[tuple[tuple, int]]] = {}
    widest: dict[tuple, int] = {}
    for h in range(n):
        mine: dict[tuple, set] = {}
        for option_groups in groups[h]:
            for g in option_groups:
                per_key = uses.setdefault(g.cls, {})
                for key in g.keys:
                    if key not in per_key:
                        applicants.setdefault(g.cls, []).append((key, h))
                    per_key[key] = per_key.get(key, 0) + 1
                mine.setdefault(g.cls, set()).update(g.keys)
        for cls, keys in mine.items():
            if len(keys) > widest.get(cls, 0):
                widest[cls] = len(keys)
    for listed in applicants.values():
        listed.sort()
    could = {cls: sorted(per_key) for cls, per_key in uses.items()}
    seats = {cls: inst.seats(*cls) for cls in uses}
    # Per sibling household: class → its children's keys there → live options using them.
    own_could: list[dict[tuple, dict[tuple, int]]] = [{} for _ in range(n)]
    for h in range(n):
        if not single[h]:
            for option_groups in groups[h]:
                for g in option_groups:
                    per_key = own_could[h].setdefault(g.cls, {})
                    for key in g.keys:
                        per_key[key] = per_key.get(key, 0) + 1
    # Rule C's lists: per class, the keys of single children who get that class or worse in
    # every stable allocation (every option they rank above it is gone).
    tops: dict[tuple, list] = {}
    listed_upto = [0] * n  # a single household is in the lists of its options [0, listed_upto)
    # Rule B: per class, the children certain to sit there; per household, its own per class.
    certain: dict[tuple, int] = {}
    certain_keys: list[set] = [set() for _ in range(n)]
    own_certain: list[dict[tuple, int]] = [{} for _ in range(n)]

    def others_above(h: int, cls: tuple, worst: tuple) -> int:
        count = bisect.bisect_left(could[cls], worst)
        if single[h]:
            return count  # its one child is `worst` itself
        # Leave out h's own children who could be there (each key is one child).
        return count - sum(1 for k in own_could[h].get(cls, ()) if k < worst)

    def certain_of(h: int) -> set:
        if not must[h] or not alive[h]:
            return set()
        first = {(g.cls, k) for g in groups[h][alive[h][0]] for k in g.keys}
        for i in alive[h][1:]:
            first &= {(g.cls, k) for g in groups[h][i] for k in g.keys}
        return first

    def cutoff(cls: tuple) -> tuple:
        """Rule C: with s seats and at least s single children who get this class or worse,
        every seat goes to a child ranking at least as high as the s-th of them (one ranking
        lower would leave one of them outside the class, and that one would block)."""
        s = seats[cls]
        listed = tops.get(cls, ())
        if s <= 0 or len(listed) < s:
            return _LAST
        return listed[s - 1]

    queue: deque[int] = deque(range(n))
    queued = [True] * n

    def wake(cls: tuple, after: tuple, upto: tuple = _LAST) -> None:
        """Queue the households with a child in the class ranking in (after, upto]."""
        listed = applicants[cls]
        if thorough:
            after, upto = _FIRST, _LAST
        for i in range(bisect.bisect_right(listed, (after, n)), len(listed)):
            key, other = listed[i]
            if key > upto:
                break
            if not queued[other]:
                queued[other] = True
                queue.append(other)

    def wake_rule_a(cls: tuple, removed: tuple) -> None:
        """A child left `could`: the count above every lower-ranked key fell by one. Rule A
        looks at that count against seats − k + 1 + own (k ≤ widest, own < widest), so only
        keys whose count is now within `widest` of the seats can change their answer."""
        keys = could[cls]
        lo = seats[cls] - widest[cls]
        hi = seats[cls] + widest[cls] - 2
        after = keys[lo - 1] if 0 < lo <= len(keys) else (removed if lo <= 0 else _LAST)
        if hi < 0:
            return
        upto = keys[hi] if hi < len(keys) else _LAST
        wake(cls, max(after, removed), upto)

    while queue:
        h = queue.popleft()
        queued[h] = False
        before = alive[h]
        before_must = must[h]
        # Rule A: the first option whose classes can never close to h.
        for i, option_groups in enumerate(groups[h]):
            secure = True
            for g in option_groups:
                need = seats[g.cls] - len(g.keys) + 1
                if need <= 0 or others_above(h, g.cls, g.worst) >= need:
                    secure = False
                    break
            if secure:
                if before and before[-1] > i:
                    alive[h] = [j for j in before if j <= i]
                must[h] = True
                break
        # Rule B: options that do not fit beside the certain children of other households.
        # Rule C: options that put a child below a class's cut-off line.
        mine = own_certain[h]
        kept = [i for i in alive[h]
                if all(certain.get(g.cls, 0) - mine.get(g.cls, 0) + len(g.keys) <= seats[g.cls]
                       and g.worst <= cutoff(g.cls) for g in groups[h][i])]
        if len(kept) != len(alive[h]):
            alive[h] = kept
        if must[h] and not alive[h]:
            raise NoStableAllocation(households[h].id)
        if alive[h] is before and must[h] == before_must:
            continue
        # Children who can no longer be admitted to a class leave its "could" list.
        for i in set(before) - set(alive[h]):
            for g in groups[h][i]:
                per_key = uses[g.cls]
                counts = own_could[h].get(g.cls)
                for key in g.keys:
                    if counts is not None:
                        counts[key] -= 1
                        if counts[key] == 0:
                            del counts[key]
                    per_key[key] -= 1
                    if per_key[key] == 0:
                        keys = could[g.cls]
                        del keys[bisect.bisect_left(keys, key)]
                        wake_rule_a(g.cls, key)
        now_certain = certain_of(h)
        for cls, _ in now_certain - certain_keys[h]:
            certain[cls] = certain.get(cls, 0) + 1
            mine[cls] = mine.get(cls, 0) + 1
            if thorough or certain[cls] + widest[cls] > seats[cls]:  # Rule B can fire
                wake(cls, _FIRST)
        certain_keys[h] = now_certain  # options only go, so nothing leaves the certain set
        if single[h]:
            # The single child now gets its first remaining option or worse: it joins the
            # lists of every class up to that option.
            reach = alive[h][0] + 1 if alive[h] else len(groups[h])
            for i in range(listed_upto[h], reach):
                for g in groups[h][i]:
                    old = cutoff(g.cls)
                    bisect.insort(tops.setdefault(g.cls, []), g.worst)
                    new = cutoff(g.cls)
                    if new < old:
                        wake(g.cls, new, old)
            listed_upto[h] = max(listed_upto[h], reach)
    return Pruned([tuple(a) for a in alive], must)
