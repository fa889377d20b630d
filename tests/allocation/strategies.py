"""Instances for allocation tests, built directly as `Instance` objects (no CSV).

- `instances(...)`: a hypothesis strategy for tiny instances (brute force can enumerate them):
  few facilities and age classes, points with many ties, 1–3 wishes, some transfer applicants,
  households of 2–3 siblings with hand-built ranked options, capacities 0–2.
- `random_instance(seed, n_children, n_facilities)`: a larger instance, deterministic in `seed`.
- `greedy_allocation(instance, seed)`: a valid (not necessarily stable) allocation.
- `make_instance(...)`: a compact builder for hand-made cases; `example_9()`: the contract's example.

Options follow the contract (§5): a single child's options are its wishes in order, then "stay"
for a transfer applicant; a household of several children gets a random ordered list of distinct
assignments in which every transfer applicant has a facility, with the stay option last; the
"nobody admitted" outcome is never listed and is allowed only without a transfer applicant.
"""

from __future__ import annotations

import itertools
import random
from typing import Iterable, Sequence

from hypothesis import strategies as st

from yakuba.allocation.model import AGES, Assignment, Child, Facility, Household, Instance


def _facility_ids(n: int) -> list[str]:
    return [str(101 + j) for j in range(n)]


def _child_id(i: int) -> str:
    return str(2001 + i)


def single_options(child: Child) -> tuple[Assignment, ...]:
    """§5.2: the wishes in order, then "stay" for a transfer applicant."""
    options: list[Assignment] = [(w,) for w in child.wishes]
    if child.current is not None:
        options.append((child.current,))
    return tuple(options)


def _candidates(members: Sequence[Child]) -> list[Assignment]:
    """Every assignment a combination table could list: each child one of its wishes, its current
    facility, or (without a current facility) not admitted; never nobody admitted."""
    choices = []
    for c in members:
        mine: list[str | None] = list(c.wishes)
        if c.current is not None:
            mine.append(c.current)
        else:
            mine.append(None)
        choices.append(mine)
    return [p for p in itertools.product(*choices) if any(d is not None for d in p)]


def _stay(members: Sequence[Child]) -> Assignment | None:
    if all(c.current is None for c in members):
        return None
    return tuple(c.current for c in members)


def _order_members(children: Sequence[Child], indices: Iterable[int]) -> tuple[int, ...]:
    """§5.1: oldest first, equal ages in row order."""
    return tuple(sorted(indices, key=lambda i: (-children[i].age, i)))


def household(hid: str, children: Sequence[Child], members: Iterable[int],
              options: Sequence[Assignment] | None = None) -> Household:
    members = _order_members(children, members)
    kids = [children[i] for i in members]
    if options is None:
        if len(kids) != 1:
            raise ValueError("give the options of a household of several children")
        options = single_options(kids[0])
    return Household(
        id=hid,
        members=members,
        options=tuple(tuple(p) for p in options),
        may_be_unplaced=all(c.current is None for c in kids),
    )


# --- hypothesis -----------------------------------------------------------------------------


@st.composite
def instances(
    draw: st.DrawFn,
    max_children: int = 6,
    min_children: int = 1,
    max_facilities: int = 3,
    max_capacity: int = 2,
    max_household: int = 3,
    max_options: int = 6,
    wish_points: bool = True,
) -> Instance:
    n_fac = draw(st.integers(1, max_facilities))
    fids = _facility_ids(n_fac)
    ages_used = draw(st.lists(st.sampled_from(list(AGES)), min_size=1, max_size=2, unique=True))
    facilities = {}
    for j, fid in enumerate(fids):
        cap = [0] * 6
        for g in ages_used:
            cap[g] = draw(st.integers(0, max_capacity))
        facilities[fid] = Facility(id=fid, name=f"園{j}", capacity=tuple(cap), row=j + 2)  # type: ignore[arg-type]

    n = draw(st.integers(min_children, max_children))
    per_wish = wish_points and draw(st.booleans())
    children: list[Child] = []
    for i in range(n):
        age = draw(st.sampled_from(ages_used))
        points = draw(st.integers(0, 3))
        order = draw(st.permutations(fids))
        n_wishes = draw(st.integers(1, min(3, n_fac)))
        wishes = tuple(order[:n_wishes])
        current = None
        if n_wishes < n_fac and draw(st.integers(0, 4)) == 0:
            current = order[n_wishes]
        wp: tuple[int | None, ...] = ()
        if per_wish:
            wp = tuple(draw(st.one_of(st.none(), st.integers(0, 3))) for _ in wishes)
            if wp[0] is not None:
                points = wp[0]  # 第1希望点数 is also the child's points (§3)
        children.append(Child(index=i, row=i + 2, id=_child_id(i), household="", age=age,
                              points=points, wishes=wishes, wish_points=wp, current=current))

    # Households: a random partition into groups of 1..max_household.
    order = draw(st.permutations(range(n)))
    groups: list[list[int]] = []
    rest = list(order)
    while rest:
        size = draw(st.integers(1, min(max_household, len(rest))))
        groups.append(rest[:size])
        rest = rest[size:]
    households = []
    for hn, group in enumerate(groups):
        hid = f"H{hn + 1}"
        # Siblings often share an age class (twins) or wish the same facilities.
        same_age = len(group) > 1 and draw(st.booleans())
        same_wishes = len(group) > 1 and draw(st.booleans())
        first = children[group[0]]
        for i in group:
            c = children[i]
            age = first.age if same_age else c.age
            wishes, wp, current = c.wishes, c.wish_points, c.current
            if same_wishes:
                wishes = first.wishes
                wp = wp[:1] + (None,) * (len(wishes) - 1) if wp else ()
                if current in wishes:
                    current = None
            children[i] = Child(index=c.index, row=c.row, id=c.id, household=hid, age=age,
                                points=c.points, wishes=wishes, wish_points=wp, current=current)
        members = _order_members(children, group)
        kids = [children[i] for i in members]
        if len(kids) == 1:
            options: list[Assignment] = list(single_options(kids[0]))
        else:
            stay = _stay(kids)
            cands = [p for p in _candidates(kids) if p != stay]
            cands = [p for p in cands if all(d is not None or c.current is None for c, d in zip(kids, p))]
            k = draw(st.integers(1 if stay is None else 0, min(max_options, len(cands))))
            picked = draw(st.permutations(cands))[:k] if cands else []
            options = list(picked)
            if stay is not None:
                options.append(stay)
        households.append(Household(id=hid, members=members, options=tuple(options),
                                    may_be_unplaced=all(c.current is None for c in kids)))
    return Instance(children=tuple(children), facilities=facilities, households=tuple(households))


@st.composite
def outcomes_for(draw: st.DrawFn, instance: Instance, invalid: bool = True) -> list[str | None]:
    """An allocation built from one drawn outcome per household (an option, or nobody admitted
    even where it is not allowed); with `invalid`, sometimes an arbitrary assignment instead.
    Capacities are not respected: many draws are invalid on purpose."""
    fids = [None, *instance.facilities]
    alloc: list[str | None] = [None] * len(instance.children)
    for h in instance.households:
        nobody = (None,) * len(h.members)
        choices = [*h.options, nobody]
        if invalid and draw(st.integers(0, 9)) == 0:
            p = tuple(draw(st.sampled_from(fids)) for _ in h.members)
        else:
            p = draw(st.sampled_from(choices))
        for c, d in zip(h.members, p):
            alloc[c] = d
    return alloc


# --- seeded, larger -------------------------------------------------------------------------


def random_instance(
    seed: int,
    n_children: int,
    n_facilities: int,
    *,
    max_household: int = 4,
    max_wishes: int = 10,
    max_options: int = 300,
    transfer_rate: float = 0.05,
    per_wish_points: bool = False,
    seats_per_child: float = 0.8,
    sibling_rate: float = 0.15,
) -> Instance:
    """A larger instance, deterministic in `seed` (`random.Random(seed)`).

    Ages lean young (0–2), points are coarse (many ties), wishes cluster on popular facilities,
    about `sibling_rate` of households have several children, and households of several children get up to
    `max_options` options (sampled distinct assignments ordered by the product of wish ranks,
    the stay option last).
    """
    rng = random.Random(seed)
    fids = [f"{1000 + j}" for j in range(n_facilities)]
    popularity = [rng.paretovariate(1.2) for _ in fids]
    age_weights = [0.22, 0.26, 0.2, 0.12, 0.1, 0.1]

    # Household sizes first, then children in row order (siblings need not be adjacent rows).
    sizes: list[int] = []
    total = 0
    while total < n_children:
        r = rng.random()
        size = 1 if r >= sibling_rate else min(max_household, 2 if r < sibling_rate * 2 / 3 else rng.randint(3, max(3, max_household)))
        size = max(1, min(size, n_children - total))
        sizes.append(size)
        total += size
    hh_of: list[int] = [h for h, size in enumerate(sizes) for _ in range(size)]
    rng.shuffle(hh_of)

    children: list[Child] = []
    for i in range(n_children):
        age = rng.choices(range(6), weights=age_weights)[0]
        n_w = rng.randint(1, max_wishes)
        wishes: list[str] = []
        while len(wishes) < min(n_w, n_facilities):
            f = rng.choices(fids, weights=popularity)[0]
            if f not in wishes:
                wishes.append(f)
        points = rng.randint(0, 20) * 5
        current = None
        if rng.random() < transfer_rate and len(wishes) < n_facilities:
            while current is None or current in wishes:
                current = rng.choice(fids)
        wp: tuple[int | None, ...] = ()
        if per_wish_points:
            wp = tuple((points if n == 0 else (points + rng.choice([-5, 0, 0, 5])) if rng.random() < 0.5 else None)
                       for n in range(len(wishes)))
        children.append(Child(index=i, row=i + 2, id=f"{300000 + i}", household=f"S{hh_of[i]}", age=age,
                              points=points, wishes=tuple(wishes), wish_points=wp, current=current))

    # Capacities: roughly `seats_per_child` seats per child, spread by popularity and age.
    facilities: dict[str, Facility] = {}
    seats_total = seats_per_child * n_children
    pop_sum = sum(popularity)
    for j, fid in enumerate(fids):
        share = seats_total * (0.5 / n_facilities + 0.5 * popularity[j] / pop_sum)
        cap = tuple(max(0, round(share * age_weights[g] * rng.uniform(0.3, 1.7))) for g in AGES)
        facilities[fid] = Facility(id=fid, name=f"園{j}", capacity=cap, row=j + 2)  # type: ignore[arg-type]

    members_of: dict[int, list[int]] = {}
    for i, h in enumerate(hh_of):
        members_of.setdefault(h, []).append(i)
    households: list[Household] = []
    for h in sorted(members_of, key=lambda h: min(members_of[h])):
        members = _order_members(children, members_of[h])
        kids = [children[i] for i in members]
        if len(kids) == 1:
            options = list(single_options(kids[0]))
        else:
            options = _sampled_options(rng, kids, rng.randint(1, max_options))
        households.append(Household(id=f"S{h}", members=members, options=tuple(options),
                                    may_be_unplaced=all(c.current is None for c in kids)))
    return Instance(children=tuple(children), facilities=facilities, households=tuple(households))


def _sampled_options(rng: random.Random, kids: Sequence[Child], want: int) -> list[Assignment]:
    choices = []
    for c in kids:
        mine: list[str | None] = list(c.wishes)
        mine.append(c.current)  # stay, or (None) not admitted
        choices.append(mine)
    space = 1
    for ch in choices:
        space *= len(ch)
    stay = _stay(kids)
    found: set[Assignment] = set()
    tries = 0
    while len(found) < min(want, space) and tries < want * 4:
        tries += 1
        p = tuple(rng.choice(ch) for ch in choices)
        if all(d is None for d in p) or p == stay:
            continue
        found.add(p)

    def score(p: Assignment) -> tuple:
        ranks = [(c.wishes.index(d) + 1) if d in c.wishes else 99 for c, d in zip(kids, p)]
        product = 1
        for r in ranks:
            product *= r
        return (-sum(d is not None and d != c.current for c, d in zip(kids, p)), product, ranks)

    options = sorted(found, key=score)
    if stay is not None:
        options.append(stay)
    return options


def greedy_allocation(instance: Instance, seed: int = 0) -> list[str | None]:
    """A valid allocation (§7.1), usually unstable: households in a random order each take their
    best option that still fits. Transfer applicants' current seats stay reserved until their
    household is served, so the stay option always fits."""
    rng = random.Random(seed)
    children = instance.children
    remaining: dict[tuple[str, int], int] = {}
    for f in instance.facilities.values():
        for g in AGES:
            remaining[(f.id, g)] = f.capacity[g]
    order = list(range(len(instance.households)))
    rng.shuffle(order)
    alloc: list[str | None] = [None] * len(children)
    for hi in order:
        h = instance.households[hi]
        for i in h.members:
            c = children[i]
            if c.current is not None:
                remaining[(c.current, c.age)] = remaining.get((c.current, c.age), 0) + 1
        for p in h.options:
            need: dict[tuple[str, int], int] = {}
            for i, d in zip(h.members, p):
                if d is not None:
                    cls = (d, children[i].age)
                    need[cls] = need.get(cls, 0) + 1
            if all(remaining.get(cls, 0) >= k for cls, k in need.items()):
                for cls, k in need.items():
                    remaining[cls] -= k
                for i, d in zip(h.members, p):
                    alloc[i] = d
                break
    return alloc


def make_instance(
    facilities: dict[str, dict[int, int]],
    children: Sequence[tuple],
    households: dict[str, Sequence[Assignment]] | None = None,
) -> Instance:
    """A hand-made instance.

    `facilities`: id → {age: g歳定員}. `children`: rows in order, each
    `(id, household, age, points, wishes)` or `(id, household, age, points, wishes, current)`;
    `points` may be a tuple of 第N希望点数 (first = the child's points). `households`: id →
    options (one facility or None per member, oldest first) for households of several children;
    single children get their wishes (then "stay").
    """
    facs = {
        fid: Facility(id=fid, name=fid, capacity=tuple(cap.get(g, 0) for g in AGES), row=j + 2)  # type: ignore[arg-type]
        for j, (fid, cap) in enumerate(facilities.items())
    }
    kids: list[Child] = []
    for i, row in enumerate(children):
        cid, hid, age, points, wishes = row[:5]
        current = row[5] if len(row) > 5 else None
        wp: tuple[int | None, ...] = ()
        if isinstance(points, tuple):
            wp, points = points, points[0]
        kids.append(Child(index=i, row=i + 2, id=cid, household=hid, age=age, points=points,
                          wishes=tuple(wishes), wish_points=wp, current=current))
    by_household: dict[str, list[int]] = {}
    for c in kids:
        by_household.setdefault(c.household, []).append(c.index)
    hhs = [household(hid, kids, members, (households or {}).get(hid)) for hid, members in by_household.items()]
    return Instance(children=tuple(kids), facilities=facs, households=tuple(hhs))


def example_9() -> Instance:
    """The example of the contract (§9): the only stable result is 2001→102, 2002→102, 2003→101,
    2004 not admitted."""
    return make_instance(
        {"101": {1: 1, 3: 1}, "102": {1: 1, 3: 1}},
        [
            ("2001", "S1", 3, 81, ["101", "102"]),
            ("2002", "S1", 1, 81, ["101", "102"]),
            ("2003", "H9", 1, 85, ["101"]),
            ("2004", "H8", 3, 70, ["102"]),
        ],
        {"S1": [("101", "101"), ("102", "102")]},
    )
