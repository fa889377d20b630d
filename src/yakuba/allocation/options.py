"""The ranked options of a household (`docs/formats/allocation-io.md` §5). Pure: no Django.

An option (`Assignment`) gives each child of the household, in the household's order (§5.1:
oldest first, equal ages in row order), a facility id or None (not admitted). A transfer
applicant who stays gets its current facility's id. "Nobody admitted" is never listed.

Inputs are assumed valid (`io.read_instance` checks §2.4 first); the functions still behave
sensibly on a wish that equals the current facility (it is read as "stays").
"""

from __future__ import annotations

from itertools import product
from math import prod
from typing import Sequence

from .model import Assignment, Child, CombinationRow

NOT_NEWLY_PLACED_RANK = 99
"""§5.3 key 4: the rank of a child that is not newly placed (not admitted, or staying)."""

PATTERNS = range(1, 8)


def household_options(instance_children: Sequence[Child], household_members: Sequence[int],
                      combination_rows: Sequence[CombinationRow] = ()) -> tuple[Assignment, ...]:
    """The household's options, best first.

    `household_members`: indices into `instance_children`, already in §5.1 order.
    `combination_rows`: this household's rows of combinations.csv (any order); used, and the
    sibling pattern ignored, when the household has 2+ children and at least one row (§5.4).
    Otherwise a single child gets §5.2 and a larger household §5.3 with its common pattern.
    """
    members = [instance_children[i] for i in household_members]
    if not members:
        return ()
    if len(members) == 1:
        return single_child_options(members[0])
    if combination_rows:
        return combination_options(members, combination_rows)
    patterns = {c.pattern for c in members if c.pattern is not None}
    if len(patterns) != 1:
        raise ValueError(f"household {members[0].household}: needs one sibling pattern, has {sorted(patterns)}")
    return pattern_options(members, patterns.pop())


def single_child_options(child: Child) -> tuple[Assignment, ...]:
    """§5.2: the wishes in order, then "stay" last for a transfer applicant."""
    options: list[Assignment] = [(f,) for f in child.wishes if f != child.current]
    if child.current is not None:
        options.append((child.current,))
    return tuple(options)


def combination_options(members: Sequence[Child], rows: Sequence[CombinationRow]) -> tuple[Assignment, ...]:
    """§5.4: the household's rows ordered by 総当たり順位.

    A row that admits nobody is "nobody admitted", which is implicit (it ranks after every
    option), so it is left out; a row equal to a better-ranked one is left out too.
    """
    options: list[Assignment] = []
    seen: set[Assignment] = set()
    for row in sorted(rows, key=lambda r: (r.rank, r.row)):
        option = tuple(row.assignment.get(c.id) for c in members)
        if all(f is None for f in option) or option in seen:
            continue
        seen.add(option)
        options.append(option)
    return tuple(options)


def pattern_options(members: Sequence[Child], pattern: int) -> tuple[Assignment, ...]:
    """§5.3: candidates filtered by the sibling pattern, ordered by keys 1–5, "stay" last."""
    if pattern not in PATTERNS:
        raise ValueError(f"sibling pattern must be 1–7, not {pattern!r}")
    R = NOT_NEWLY_PLACED_RANK
    currents: Assignment = tuple(c.current for c in members)
    stay = currents  # every transfer applicant stays, the others are not admitted
    # Per child, the choices that place it newly, as (facility, rank); its one other choice
    # is its current facility (stays) or None (not admitted), both with rank 99.
    wished = [[(f, r) for r, f in enumerate(c.wishes, 1) if f != c.current] for c in members]

    if pattern in (4, 5, 6, 7) and all(len(c.wishes) < R for c in members):
        ordered = _bulk(wished, currents, pattern)
    else:
        ordered = _few(wished, currents, pattern)
    options = [f for f in ordered if f != stay]
    if any(f is not None for f in currents):
        options.append(stay)
    return tuple(options)


def _few(wished: list[list[tuple[str, int]]], currents: Assignment, pattern: int) -> list[Assignment]:
    """Patterns 1–3 (few candidates), or any pattern when a wish list is 99 long or more."""
    n = len(currents)
    R = NOT_NEWLY_PLACED_RANK
    rank_maps = [dict(w) for w in wished]
    stays = [((currents[i], R),) for i in range(n)]
    blocks: list[list[Sequence[tuple[str | None, int]]]] = []
    if pattern == 1:  # every child newly placed, all at one facility
        for f, _ in wished[0]:
            if all(f in m for m in rank_maps):
                blocks.append([((f, m[f]),) for m in rank_maps])
    elif pattern in (2, 3):  # newly placed ones at one facility f, the oldest/youngest among them
        lead = 0 if pattern == 2 else n - 1
        for f, lead_rank in wished[lead]:
            blocks.append([((f, lead_rank),) if i == lead
                           else (((f, rank_maps[i][f]), stays[i][0]) if f in rank_maps[i] else stays[i])
                           for i in range(n)])
        # Nobody newly placed: the stay option (placed last by the caller) or nobody admitted.
    elif pattern in (4, 6):
        blocks.append(wished)
    else:
        blocks.append([w + [stays[i][0]] for i, w in enumerate(wished)])

    skip_s = pattern in (6, 7)
    backwards = pattern == 3
    candidates: list[tuple[tuple, Assignment]] = []  # type: ignore[type-arg]
    for block in blocks:
        for combo in product(*block):
            facilities = tuple(x[0] for x in combo)
            ranks = tuple(x[1] for x in combo)
            new = [f is not None and f != cur for f, cur in zip(facilities, currents)]
            new_facilities = [f for f, is_new in zip(facilities, new) if is_new]
            w = len(new_facilities)
            if w == 0:
                continue  # the stay option, or nobody admitted
            s = 0 if skip_s else max(map(new_facilities.count, new_facilities))
            first = tuple(not x for x in (new[::-1] if backwards else new)) if pattern in (2, 3) else ()
            key = (first, -w, -s, prod(ranks), ranks[::-1] if backwards else ranks)
            candidates.append((key, facilities))
    candidates.sort(key=lambda kf: kf[0])
    return [f for _, f in candidates]


class _Unplaced:
    """A child's "not newly placed" marker in `_bulk`: one object per child, equal only to itself."""

    __slots__ = ()


def _bulk(wished: list[list[tuple[str, int]]], currents: Assignment, pattern: int) -> list[Assignment]:
    """Patterns 4–7, where the candidates are a full product (up to 11^4 and more): the keys
    are computed with C-level tuple operations. No wish list is 99 long (rank 99 = not placed)."""
    n = len(currents)
    R = NOT_NEWLY_PLACED_RANK
    fac_lists: list[list[str | None]] = [[f for f, _ in w] for w in wished]
    rank_lists: list[list[int]] = [[r for _, r in w] for w in wished]
    new_lists: list[list[object]] = [list(fl) for fl in fac_lists]
    if pattern in (5, 7):  # each child may also be not newly placed
        for i in range(n):
            fac_lists[i].append(currents[i])
            rank_lists[i].append(R)
            new_lists[i].append(_Unplaced())
    facilities = list(product(*fac_lists))
    ranks = product(*rank_lists)
    # Keys, flat: (count of rank 99, −S, product of ranks, rank 1, rank 2, …). Key 2 (W, more
    # is better) is n − the count of rank 99, so that count ascends.
    if pattern in (6, 7):  # no key S
        keys = [(r.count(R), prod(r)) + r for r in ranks]
    else:
        # S: the largest count of one facility among the newly placed. The per-child markers
        # count 1 each, which never exceeds S since somebody is newly placed (W ≥ 1). With d
        # distinct entries, S = n − d + 1 when d ≥ n − 1; otherwise it is counted.
        m = n - 1
        keys = [(r.count(R), (d - n - 1) if (d := len(set(nf))) >= m else -max(map(nf.count, nf)), prod(r)) + r
                for r, nf in zip(ranks, product(*new_lists))]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return [facilities[i] for i in order if keys[i][0] < n]


__all__ = [
    "NOT_NEWLY_PLACED_RANK",
    "combination_options",
    "household_options",
    "pattern_options",
    "single_child_options",
]
