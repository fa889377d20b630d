"""Household options (contract §5): hand-computed orders for every pattern, a literal reference
implementation of §5.3 to compare against, combination rows, and speed."""

from __future__ import annotations

import time
from itertools import product
from math import prod

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yakuba.allocation import options as opt
from yakuba.allocation.model import Child, CombinationRow
from yakuba.allocation.options import household_options, pattern_options, single_child_options

from .tables import child

X, Y, Z = "X", "Y", "Z"
N = None


def options_of(children: list[Child], rows: tuple[CombinationRow, ...] = ()) -> tuple:  # type: ignore[type-arg]
    return household_options(children, [c.index for c in children], rows)


# -- §5.2 -------------------------------------------------------------------------------------------


def test_single_child_wishes_in_order() -> None:
    assert single_child_options(child(0, 2, [Y, X])) == ((Y,), (X,))


def test_single_transfer_applicant_stays_last() -> None:
    assert options_of([child(0, 2, [Y, X], current=Z)]) == ((Y,), (X,), (Z,))


def test_single_child_pattern_is_ignored() -> None:
    assert options_of([child(0, 2, [Y, X], pattern=1)]) == ((Y,), (X,))


# -- §5.3, two children without a transfer: A (older) wishes X, Y; B wishes Y, X ---------------------


def two(pattern: int, current: str | None = None) -> list[Child]:
    return [child(0, 3, [X, Y], pattern, current=current), child(1, 1, [Y, X] if current is None else [X, Y], pattern)]


HAND_TWO = {
    1: [(X, X), (Y, Y)],
    # 2: the oldest is always placed; both placed first; then by product of ranks.
    2: [(X, X), (Y, Y), (X, N), (Y, N)],
    # 3: the youngest placed; ties on W, S, product: ranks youngest first, so (Y, Y) (B: 1) first.
    3: [(Y, Y), (X, X), (N, Y), (N, X)],
    # 4: S = 2 before S = 1; then product, then ranks oldest first.
    4: [(X, X), (Y, Y), (X, Y), (Y, X)],
    5: [(X, X), (Y, Y), (X, Y), (Y, X), (X, N), (N, Y), (Y, N), (N, X)],
    # 6, 7: no key S, so (X, Y) with ranks (1, 1) comes first.
    6: [(X, Y), (X, X), (Y, Y), (Y, X)],
    7: [(X, Y), (X, X), (Y, Y), (Y, X), (X, N), (N, Y), (Y, N), (N, X)],
}


@pytest.mark.parametrize("pattern", sorted(HAND_TWO))
def test_two_children_hand_computed(pattern: int) -> None:
    assert list(options_of(two(pattern))) == HAND_TWO[pattern]


# -- §5.3, two children, the older (A) attends Z now; both wish X, Y ----------------------------------

HAND_TRANSFER = {
    1: [(X, X), (Y, Y), (Z, N)],
    # 2: the stay option (nobody newly placed) passes the filter and goes last.
    2: [(X, X), (Y, Y), (X, N), (Y, N), (Z, N)],
    3: [(X, X), (Y, Y), (Z, X), (Z, Y), (Z, N)],
    4: [(X, X), (Y, Y), (X, Y), (Y, X), (Z, N)],
    # 5: W = 1: product 99 — (X, N) ranks (1, 99) before (Z, X) ranks (99, 1); then product 198.
    5: [(X, X), (Y, Y), (X, Y), (Y, X), (X, N), (Z, X), (Y, N), (Z, Y), (Z, N)],
    6: [(X, X), (X, Y), (Y, X), (Y, Y), (Z, N)],
    7: [(X, X), (X, Y), (Y, X), (Y, Y), (X, N), (Z, X), (Y, N), (Z, Y), (Z, N)],
}


@pytest.mark.parametrize("pattern", sorted(HAND_TRANSFER))
def test_two_children_with_a_transfer_hand_computed(pattern: int) -> None:
    assert list(options_of(two(pattern, current=Z))) == HAND_TRANSFER[pattern]


# -- §5.3, three children: key 1 of pattern 2 against key 2 ------------------------------------------


def three(pattern: int) -> list[Child]:
    return [child(0, 5, [X], pattern), child(1, 3, [Y, X], pattern), child(2, 1, [X], pattern)]


def test_pattern_2_three_children_key_1_first() -> None:
    # (X, X, N) has product 1·2·99, more than (X, N, X) with 1·99·1, but B (second oldest) placed wins.
    assert list(options_of(three(2))) == [(X, X, X), (X, X, N), (X, N, X), (X, N, N)]


def test_pattern_3_three_children_youngest_first() -> None:
    # key 1 youngest first: C, then B, then A placed.
    assert list(options_of(three(3))) == [(X, X, X), (N, X, X), (X, N, X), (N, N, X)]


def test_pattern_5_three_children_all_keys() -> None:
    assert list(options_of(three(5))) == [
        (X, X, X), (X, Y, X),  # W = 3: S = 3 before S = 2
        (X, N, X), (X, X, N), (N, X, X),  # W = 2, S = 2: product 99, then 198 with ranks (1, 2, 99) < (99, 2, 1)
        (X, Y, N), (N, Y, X),  # W = 2, S = 1: product 99, ranks oldest first
        (X, N, N), (N, Y, N), (N, N, X), (N, X, N),  # W = 1: product 99², 99², 99², then 2·99²
    ]


def test_pattern_1_uses_the_oldest_childs_order_then_ranks() -> None:
    kids = [child(0, 4, [Y, X, Z], 1), child(1, 2, [Z, X, Y], 1)]
    # products: Y 1·3 = 3, X 2·2 = 4, Z 3·1 = 3; ties broken by ranks oldest first: Y (1, 3) < Z (3, 1).
    assert list(options_of(kids)) == [(Y, Y), (Z, Z), (X, X)]


def test_equal_ages_keep_row_order_in_member_order() -> None:
    kids = [child(0, 2, [X, Y], 6), child(1, 2, [Y, X], 6)]
    assert options_of(kids)[0] == (X, Y)
    assert household_options(kids, [1, 0])[0] == (Y, X)


def test_stay_option_added_when_filtered_out_and_several_transfers() -> None:
    kids = [child(0, 4, [X], 4, current=Z), child(1, 3, [X], 4), child(2, 1, [Y], 4, current=X)]
    got = options_of(kids)
    assert got == ((X, X, Y), (Z, N, X))


def test_wish_equal_to_current_is_read_as_stay() -> None:
    """Validation rejects it (§2.4); the builder still never lists the same option twice."""
    kids = [child(0, 4, [Z, X], 5, current=Z), child(1, 3, [X], 5)]
    got = options_of(kids)
    assert len(got) == len(set(got)) and got[-1] == (Z, N)
    assert single_child_options(child(0, 1, [Z, X], current=Z)) == ((X,), (Z,))


# -- §5.4 / §5.5 ---------------------------------------------------------------------------------------


def test_combination_rows_by_rank_replace_the_pattern() -> None:
    kids = [child(0, 4, [X], 1, id="a"), child(1, 2, [X], 1, id="b")]
    rows = (CombinationRow("h", 3, {"a": Y}), CombinationRow("h", 1, {"b": X, "a": Z}),
            CombinationRow("h", 2, {"a": X, "b": None}), CombinationRow("h", 4, {"a": None}),
            CombinationRow("h", 5, {"a": Z, "b": X}))
    # rank 4 admits nobody: "nobody admitted" is implicit; rank 5 repeats rank 1.
    assert options_of(kids, rows) == ((Z, X), (X, N), (Y, N))


def test_combination_rows_ignored_for_a_single_child() -> None:
    assert options_of([child(0, 4, [X], id="a")], (CombinationRow("h", 1, {"a": Y}),)) == ((X,),)


def test_household_needs_one_pattern() -> None:
    with pytest.raises(ValueError):
        options_of([child(0, 4, [X]), child(1, 2, [X])])
    with pytest.raises(ValueError):
        pattern_options([child(0, 4, [X]), child(1, 2, [X])], 8)


# -- the reference: §5.3 read literally ----------------------------------------------------------------


def reference(members: list[Child], pattern: int) -> list[tuple]:  # type: ignore[type-arg]
    n = len(members)
    choices = []
    for c in members:
        ch: list[str | None] = list(c.wishes)
        ch.append(c.current)  # stays, or None: not admitted
        choices.append(ch)
    stay = tuple(c.current for c in members)
    kept = []
    for cand in set(product(*choices)):
        if all(f is None for f in cand):
            continue
        new = [f is not None and f != c.current for f, c in zip(cand, members)]
        new_f = [f for f, nw in zip(cand, new) if nw]
        if pattern == 1:
            ok = all(new) and len(set(cand)) == 1
        elif pattern in (2, 3):
            lead = 0 if pattern == 2 else n - 1
            ok = len(set(new_f)) <= 1 and (not any(new) or new[lead])
        elif pattern in (4, 6):
            ok = all(new)
        else:
            ok = any(new)
        if ok and cand != stay:
            kept.append(cand)

    def key(cand):  # type: ignore[no-untyped-def]
        new = [f is not None and f != c.current for f, c in zip(cand, members)]
        ranks = [c.wishes.index(f) + 1 if nw else 99 for f, c, nw in zip(cand, members, new)]
        new_f = [f for f, nw in zip(cand, new) if nw]
        k1: list[bool] = []
        if pattern == 2:
            k1 = [not x for x in new]
        elif pattern == 3:
            k1 = [not x for x in reversed(new)]
        w = sum(new)
        s = 0 if pattern in (6, 7) else max((new_f.count(f) for f in new_f), default=0)
        k5 = list(reversed(ranks)) if pattern == 3 else ranks
        return (k1, -w, -s, prod(ranks), k5)

    kept.sort(key=key)
    if any(c.current is not None for c in members):
        kept.append(stay)
    return kept


FACS = ["A", "B", "C", "D", "E"]


@st.composite
def households(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(2, 4))
    pattern = draw(st.integers(1, 7))
    kids = []
    for i in range(n):
        current = draw(st.sampled_from([None, None, "E"]))
        pool = [f for f in FACS if f != current]
        wishes = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True))
        kids.append(child(i, draw(st.integers(0, 5)), wishes, pattern, current=current))
    if pattern in (1, 2, 3):
        common = set.intersection(*(set(k.wishes) for k in kids))
        if not common:  # rejected by validation (§2.4)
            kids = [child(i, k.age, ["A", *[w for w in k.wishes if w != "A"]], pattern, k.current)
                    for i, k in enumerate(kids)]
    kids.sort(key=lambda k: (-k.age, k.index))
    return kids, pattern


@given(households())
@settings(max_examples=200, deadline=None)
def test_matches_the_literal_reading_of_section_5_3(hh) -> None:  # type: ignore[no-untyped-def]
    kids, pattern = hh
    got = list(pattern_options(kids, pattern))
    assert got == reference(kids, pattern)
    assert len(got) == len(set(got))


@given(households())
@settings(max_examples=100, deadline=None)
def test_bulk_and_general_paths_agree(hh) -> None:  # type: ignore[no-untyped-def]
    kids, pattern = hh
    if pattern < 4:
        return
    wished = [[(f, r) for r, f in enumerate(c.wishes, 1) if f != c.current] for c in kids]
    currents = tuple(c.current for c in kids)
    assert opt._bulk(wished, currents, pattern) == opt._few(wished, currents, pattern)


# -- speed -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", range(1, 8))
def test_four_children_with_ten_wishes_build_quickly(pattern: int) -> None:
    facilities = [f"F{j:02d}" for j in range(14)]
    kids = [child(i, 5 - i, facilities[i:i + 10], pattern, current="F13" if i == 0 else None) for i in range(4)]
    best = min(_timed(kids, pattern) for _ in range(3))
    assert best < 0.15, best  # about 20 ms for patterns 5 and 7 (11^4 candidates)


def _timed(kids: list[Child], pattern: int) -> float:
    start = time.perf_counter()
    out = pattern_options(kids, pattern)
    elapsed = time.perf_counter() - start
    assert out[-1] == ("F13", None, None, None)
    return elapsed
