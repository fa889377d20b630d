"""A brute-force oracle for tiny instances: every combination of household outcomes.

Each household's outcome is one of its options, or "nobody admitted" when that is allowed (§5.6).
The valid combinations (§7.1) are judged by `check.check`. Only for tests: the number of
combinations is the product of the households' outcome counts, and it is refused above `LIMIT`.
Pure: no Django.
"""

from __future__ import annotations

from typing import Iterator

from .check import Verdict, _seats, check
from .model import Instance

LIMIT = 200_000

Allocation = tuple[str | None, ...]


class TooLarge(ValueError):
    """The instance has too many combinations of outcomes for brute force."""


def _outcomes(instance: Instance) -> list[list[tuple[str | None, ...]]]:
    out = []
    for h in instance.households:
        choices = list(dict.fromkeys(h.options))
        allowed = h.may_be_unplaced and all(instance.children[c].current is None for c in h.members)
        nobody = (None,) * len(h.members)
        if allowed and nobody not in choices:
            choices.append(nobody)
        # A transfer applicant must hold a seat afterwards (§7.1).
        choices = [
            p for p in choices
            if all(d is not None or instance.children[c].current is None for c, d in zip(h.members, p))
        ]
        out.append(choices)
    return out


def combinations(instance: Instance) -> int:
    """The number of combinations of household outcomes brute force would look at."""
    n = 1
    for choices in _outcomes(instance):
        n *= max(len(choices), 1)
    return n


def _judged(instance: Instance, limit: int) -> Iterator[tuple[Allocation, Verdict]]:
    per_household = _outcomes(instance)
    total = 1
    for choices in per_household:
        total *= max(len(choices), 1)
    if total > limit:
        raise TooLarge(f"{total} combinations of household outcomes (limit {limit})")
    children = instance.children
    # Children of no household stay unplaced; `check` reports that the instance is malformed.
    remaining = dict(_seats(instance))
    alloc: list[str | None] = [None] * len(children)
    households = instance.households

    def place(hi: int) -> Iterator[Allocation]:
        if hi == len(households):
            yield tuple(alloc)
            return
        members = households[hi].members
        for p in per_household[hi]:
            used: list[tuple[str, int]] = []
            fits = True
            for c, d in zip(members, p):
                if d is None:
                    continue
                cls = (d, children[c].age)
                if remaining.get(cls, 0) <= 0:
                    fits = False
                    break
                remaining[cls] -= 1
                used.append(cls)
            if fits:
                for c, d in zip(members, p):
                    alloc[c] = d
                yield from place(hi + 1)
                for c in members:
                    alloc[c] = None
            for cls in used:
                remaining[cls] += 1

    for a in place(0):
        # Capacities and allowed outcomes hold by construction; `check` is the judge.
        verdict = check(instance, a)
        if verdict.valid:
            yield a, verdict


def enumerate_allocations(instance: Instance, limit: int = LIMIT) -> Iterator[Allocation]:
    """Every valid allocation (§7.1), in a deterministic order (household by household, options
    best first, "nobody admitted" last). Raises `TooLarge` above `limit` combinations."""
    for a, _ in _judged(instance, limit):
        yield a


def stable_allocations(instance: Instance, limit: int = LIMIT) -> list[Allocation]:
    """Every stable allocation (§7.3)."""
    return [a for a, verdict in _judged(instance, limit) if not verdict.blocking]


def _admitted(a: Allocation) -> int:
    return sum(d is not None for d in a)


def best_stable(instance: Instance, limit: int = LIMIT) -> tuple[int, list[Allocation]] | None:
    """(the most children admitted by a stable allocation, every stable allocation admitting that
    many), or None when no stable allocation exists (§7.4)."""
    stable = stable_allocations(instance, limit)
    if not stable:
        return None
    best = max(_admitted(a) for a in stable)
    return best, [a for a in stable if _admitted(a) == best]


def min_blocking(instance: Instance, limit: int = LIMIT) -> tuple[int, int, list[Allocation]] | None:
    """The contract's fallback (§1): (the fewest blocking coalitions of a valid allocation, the
    most children admitted among those, every valid allocation achieving both), or None when no
    valid allocation exists. When a stable allocation exists, the first number is 0 and this
    agrees with `best_stable`."""
    best: tuple[int, int] | None = None
    found: list[Allocation] = []
    for a, verdict in _judged(instance, limit):
        score = (len(verdict.blocking), -_admitted(a))
        if best is None or score < best:
            best, found = score, [a]
        elif score == best:
            found.append(a)
    if best is None:
        return None
    return best[0], -best[1], found
