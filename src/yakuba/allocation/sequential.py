"""The classic sequential procedure (従来方式), for comparison with the stable result.

In score order (points, then row), each household takes the best of its options whose classes
still have free seats for its newly placed children; a transfer applicant holds its current seat
until it moves. Fast and easy to explain, but a higher-scoring child can lose a seat to a
lower-scoring one through the order of wishes — which is why `compare` reports the difference.
"""

from __future__ import annotations

from dataclasses import dataclass

from yakuba.allocation.model import Instance


def sequential_allocation(instance: Instance) -> list[str | None]:
    children = instance.children
    free: dict[tuple[str, int], int] = {}

    def seats_left(cls: tuple[str, int]) -> int:
        if cls not in free:
            free[cls] = instance.seats(*cls) - sum(
                1 for c in children if c.current == cls[0] and c.age == cls[1])
        return free[cls]

    out: list[str | None] = [c.current for c in children]  # transfer applicants hold their seats
    order = sorted(
        range(len(instance.households)),
        key=lambda h: min((-children[c].points, children[c].index) for c in instance.households[h].members),
    )
    for h in order:
        household = instance.households[h]
        for option in household.options:
            need: dict[tuple[str, int], int] = {}
            for member, facility in zip(household.members, option):
                child = children[member]
                if facility is not None and facility != child.current:
                    cls = (facility, child.age)
                    need[cls] = need.get(cls, 0) + 1
            if all(seats_left(cls) >= n for cls, n in need.items()):
                for cls, n in need.items():
                    free[cls] -= n
                for member, facility in zip(household.members, option):
                    child = children[member]
                    if child.current is not None and facility != child.current:
                        seats_left((child.current, child.age))
                        free[(child.current, child.age)] += 1  # the seat it leaves is free again
                    out[member] = facility
                break
    return out


@dataclass(frozen=True)
class Comparison:
    better: list[str]
    """Child ids better off in the stable result than in the sequential one."""
    worse: list[str]
    same: int


def _rank(instance: Instance, child: int, facility: str | None) -> int:
    c = instance.children[child]
    if facility is None:
        return 10_000
    if facility == c.current:
        return 1_000
    return c.rank_of(facility) or 5_000


def compare(instance: Instance, stable: list[str | None], sequential: list[str | None]) -> Comparison:
    better, worse, same = [], [], 0
    for i, child in enumerate(instance.children):
        a, b = _rank(instance, i, stable[i]), _rank(instance, i, sequential[i])
        if a < b:
            better.append(child.id)
        elif a > b:
            worse.append(child.id)
        else:
            same += 1
    return Comparison(better, worse, same)
