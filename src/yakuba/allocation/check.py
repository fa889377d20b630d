"""The judge of an allocation: valid? stable? which blocking coalitions?

Written from the definitions of the contract `docs/formats/allocation-io.md` alone (§4 seats,
§5.6 allowed outcomes, §6 priority, §7 validity and blocking coalitions), independently of the
solvers, so that every result can be checked by it. Seats and priorities are recomputed here from the children and
facilities tables rather than taken from `Instance.seats` / `Instance.priority`. Pure: no Django.

Speed: each class (d, g) keeps the sort keys of its admitted children in priority order, so
"how many admitted children rank above w at d" is one bisect. A child's key depends on the
facility (being its current facility; points per wish), so keys are computed per (child, facility).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Iterator, Mapping, Sequence

from .model import AGES, Assignment, Child, Instance

Key = tuple[int, int, int]
Class = tuple[str, int]


@dataclass(frozen=True)
class Coalition:
    """A blocking coalition (§7.2): household `household` (its id) prefers its option number
    `option_index` (0 = best) — the assignment `option` — and could take it."""

    household: str
    option_index: int
    option: Assignment


@dataclass
class Verdict:
    valid: bool
    problems: list[str]
    """Why the allocation is invalid (§7.1), human-readable, naming children, facility and age."""
    blocking: list[Coalition]
    """Every blocking coalition (§7.2), by household order then option order (see `truncated`)."""
    admitted: int
    """Children with a facility, transfer applicants who stay included (§7.4)."""
    per_age_admitted: dict[int, int]
    """Age class 0–5 → children admitted."""
    waiting: int
    """Children not admitted."""
    truncated: bool = False
    """True when `blocking` was cut at `max_blocking`: there are more."""
    outcomes: list[int | None] = field(default_factory=list)
    """Per household (index as `Instance.households`): the index of its outcome among its options,
    `len(options)` for "nobody admitted" when that is allowed, None when the outcome is not
    allowed (not one of its options)."""

    @property
    def stable(self) -> bool:
        """Valid and without any blocking coalition (§7.3)."""
        return self.valid and not self.blocking


def _facility_name(d: str | None) -> str:
    return "not admitted" if d is None else d


def describe(instance: Instance, coalition: Coalition) -> str:
    """One line for a blocking coalition, e.g. `household S1 prefers its option 2 (2001→102, 2002→102)`."""
    h = next(h for h in instance.households if h.id == coalition.household)
    parts = ", ".join(
        f"{instance.children[c].id}→{_facility_name(d)}" for c, d in zip(h.members, coalition.option)
    )
    return f"household {h.id} prefers its option {coalition.option_index + 1} ({parts})"


class _Keys:
    """Priority sort keys (§6) per (child, facility); smaller ranks higher."""

    def __init__(self, children: Sequence[Child]) -> None:
        self.children = children
        self.wish_points: dict[int, dict[str, int]] = {}
        for c in children:
            if c.wish_points:
                # 第N希望点数 of the wish N that names the facility; a facility named again later
                # in the row is ignored (§3), so its first position counts.
                table: dict[str, int] = {}
                seen: set[str] = set()
                for n, wish in enumerate(c.wishes):
                    if wish in seen:
                        continue
                    seen.add(wish)
                    if n < len(c.wish_points) and c.wish_points[n] is not None:
                        table[wish] = c.wish_points[n]  # type: ignore[assignment]
                self.wish_points[c.index] = table

    def key(self, child: int, d: str) -> Key:
        c = self.children[child]
        pts = c.points
        table = self.wish_points.get(child)
        if table is not None:
            pts = table.get(d, pts)
        return (0 if c.current == d else 1, -pts, child)


def _seats(instance: Instance) -> dict[Class, int]:
    """seats(d, g) = g歳定員 of d + applicants of age g whose 在籍施設ID is d (§4)."""
    seats: dict[Class, int] = {}
    for f in instance.facilities.values():
        for g in AGES:
            seats[(f.id, g)] = int(f.capacity[g])
    for c in instance.children:
        if c.current is not None:
            seats[(c.current, c.age)] = seats.get((c.current, c.age), 0) + 1
    return seats


def _normalize(
    instance: Instance, allocation: Sequence[str | None] | Mapping[str, str | None], problems: list[str]
) -> list[str | None]:
    n = len(instance.children)
    if isinstance(allocation, Mapping):
        out: list[str | None] = []
        known = {c.id for c in instance.children}
        for c in instance.children:
            if c.id not in allocation:
                problems.append(f"child {c.id} does not appear in the allocation")
            out.append(allocation.get(c.id))
        for cid in allocation:
            if cid not in known:
                problems.append(f"the allocation names child {cid}, who is not in the children table")
        return out
    out = list(allocation)
    if len(out) != n:
        problems.append(f"the allocation has {len(out)} entries for {n} children")
        out = (out + [None] * n)[:n]
    return out


def check(
    instance: Instance,
    allocation: Sequence[str | None] | Mapping[str, str | None],
    *,
    max_blocking: int | None = None,
) -> Verdict:
    """Judge `allocation` (the facility id or None of each child, indexed like
    `instance.children`; or a mapping child id → facility id or None).

    `max_blocking` caps the list of blocking coalitions (`Verdict.truncated` then tells that more
    exist); None lists them all. The order is deterministic: households in `instance.households`
    order, options best first.

    When the allocation is invalid, blocking coalitions are still listed; a household whose
    outcome is not allowed is then treated as having "nobody admitted" (every option ranks above).
    """
    problems: list[str] = []
    children = instance.children
    facilities = instance.facilities
    alloc = _normalize(instance, allocation, problems)
    seats = _seats(instance)
    keys = _Keys(children)

    # --- households: each child in exactly one -------------------------------------------
    owner: dict[int, int] = {}
    for hi, h in enumerate(instance.households):
        for c in h.members:
            if c in owner:
                problems.append(
                    f"child {children[c].id} belongs to two households "
                    f"({instance.households[owner[c]].id}, {h.id})"
                )
            else:
                owner[c] = hi
    for c in children:
        if c.index not in owner:
            problems.append(f"child {c.id} belongs to no household")

    # --- admitted children per class ----------------------------------------------------
    per_age = {g: 0 for g in AGES}
    admitted = 0
    in_class: dict[Class, list[int]] = {}
    for i, d in enumerate(alloc):
        if d is None:
            continue
        c = children[i]
        admitted += 1
        per_age[c.age] = per_age.get(c.age, 0) + 1
        if d not in facilities:
            problems.append(f"child {c.id} (age {c.age}) is admitted to {d}, which is not a facility")
            continue
        in_class.setdefault((d, c.age), []).append(i)
    class_keys: dict[Class, list[Key]] = {}
    for (d, g), members in in_class.items():
        s = seats.get((d, g), 0)
        if len(members) > s:
            ids = ", ".join(children[i].id for i in members)
            problems.append(
                f"facility {d}, age {g}: {len(members)} children admitted ({ids}) "
                f"but seats({d}, {g}) = {s}"
            )
        class_keys[(d, g)] = sorted(keys.key(i, d) for i in members)

    # --- transfer applicants hold a seat (individual rationality) -----------------------
    for c in children:
        if c.current is not None and alloc[c.index] is None:
            problems.append(
                f"child {c.id} (age {c.age}) attends {c.current} now but holds no seat afterwards"
            )

    # --- outcomes are allowed (§5.6) ----------------------------------------------------
    outcomes: list[int | None] = []
    for h in instance.households:
        got = tuple(alloc[c] for c in h.members)
        for n, p in enumerate(h.options):
            if len(p) != len(h.members):
                problems.append(
                    f"household {h.id}: option {n + 1} has {len(p)} entries for {len(h.members)} children"
                )
        try:
            outcomes.append(h.options.index(got))
            continue
        except ValueError:
            pass
        names = ", ".join(f"{children[c].id}→{_facility_name(d)}" for c, d in zip(h.members, got))
        if all(d is None for d in got):
            transfer = [children[c] for c in h.members if children[c].current is not None]
            if transfer:
                who = ", ".join(f"{c.id} attends {c.current}" for c in transfer)
                problems.append(f"household {h.id}: nobody admitted is not allowed ({who})")
                outcomes.append(None)
            elif not h.may_be_unplaced:
                problems.append(f"household {h.id}: nobody admitted is not allowed")
                outcomes.append(None)
            else:
                outcomes.append(len(h.options))
        else:
            problems.append(f"household {h.id}: outcome ({names}) is not one of its options")
            outcomes.append(None)

    # --- blocking coalitions (§7.2) -----------------------------------------------------
    found = _blocking(instance, alloc, outcomes, seats, keys, class_keys)
    blocking: list[Coalition] = []
    truncated = False
    for coalition in found:
        if max_blocking is not None and len(blocking) >= max_blocking:
            truncated = True
            break
        blocking.append(coalition)

    return Verdict(
        valid=not problems,
        problems=problems,
        blocking=blocking,
        admitted=admitted,
        per_age_admitted=per_age,
        waiting=len(alloc) - admitted,
        truncated=truncated,
        outcomes=outcomes,
    )


def _blocking(
    instance: Instance,
    alloc: list[str | None],
    outcomes: list[int | None],
    seats: dict[Class, int],
    keys: _Keys,
    class_keys: dict[Class, list[Key]],
) -> Iterator[Coalition]:
    """The blocking coalitions (§7.2), households in order, options best first."""
    children = instance.children
    for hi, h in enumerate(instance.households):
        a = outcomes[hi]
        if a is None:
            a = len(h.options)
        if a == 0:
            continue
        members = h.members
        options = h.options
        if len(members) == 1:
            i = members[0]
            g = children[i].age
            for pi in range(a):
                d = options[pi][0]
                if d is not None:
                    s = seats.get((d, g), 0)
                    if s < 1:
                        continue
                    lst = class_keys.get((d, g))
                    # m + 1 <= s  <=>  fewer than s admitted children rank above i at d: i ranks
                    # above the s-th of them. The child's own seat (if in this class) has the
                    # child's own key, which never ranks above it.
                    if lst is not None and len(lst) >= s and not keys.key(i, d) < lst[s - 1]:
                        continue
                yield Coalition(h.id, pi, options[pi])
            continue
        # Several children: the household's own current seats are released.
        own: dict[Class, list[Key]] = {}
        for i in members:
            d = alloc[i]
            if d is not None:
                own.setdefault((d, children[i].age), []).append(keys.key(i, d))
        cache: dict[tuple[int, str], Key] = {}
        for pi in range(a):
            p = options[pi]
            groups: dict[Class, list] = {}
            for i, d in zip(members, p):
                if d is None:
                    continue
                kk = cache.get((i, d))
                if kk is None:
                    kk = cache[(i, d)] = keys.key(i, d)
                cls = (d, children[i].age)
                gr = groups.get(cls)
                if gr is None:
                    groups[cls] = [1, kk]
                else:
                    gr[0] += 1
                    if kk > gr[1]:
                        gr[1] = kk  # w: the lowest-priority of the k children
            ok = True
            for cls, (k, w) in groups.items():
                s = seats.get(cls, 0)
                if k > s:
                    ok = False
                    break
                lst = class_keys.get(cls)
                if lst is None:
                    continue
                m = bisect_left(lst, w)  # admitted children who rank above w ...
                mine = own.get(cls)
                if mine:
                    m -= sum(1 for x in mine if x < w)  # ... of other households
                if m + k > s:
                    ok = False
                    break
            if ok:
                yield Coalition(h.id, pi, p)


def count_blocking(
    instance: Instance, allocation: Sequence[str | None] | Mapping[str, str | None]
) -> int:
    """The number of blocking coalitions (§7.2) of an allocation."""
    return len(check(instance, allocation).blocking)


def is_stable(instance: Instance, allocation: Sequence[str | None] | Mapping[str, str | None]) -> bool:
    """Valid and without any blocking coalition (stops at the first one found)."""
    return check(instance, allocation, max_blocking=1).stable
